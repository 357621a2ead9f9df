// Configuration for `npm run migrate` (migrate-mongo). Reads the same variables as the service.
const url = process.env.MONGODB_URI;
if (!url) {
  process.stderr.write('MONGODB_URI is not set: start the local servers with `npm run services -- start` and source `.local/env`, or export it.\n');
  process.exit(78);
}

module.exports = {
  mongodb: {
    url,
    databaseName: process.env.MONGODB_DB || 'dompet',
    options: { serverSelectionTimeoutMS: 5000 },
  },
  migrationsDir: 'migrations',
  changelogCollectionName: 'migrations_changelog',
  lockCollectionName: 'migrations_lock',
  lockTtl: 0,
  migrationFileExtension: '.js',
  useFileHash: false,
  moduleSystem: 'commonjs',
};
