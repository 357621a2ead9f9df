// Public surface of the health module (readiness, liveness, /metrics).
export { HealthModule } from './health.module';
