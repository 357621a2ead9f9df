import { ValidationFailedError } from '../errors';
import { assertSafeBody, MAX_BODY_DEPTH } from './body-guard';

function refusal(body: unknown): ValidationFailedError | undefined {
  try {
    assertSafeBody(body);
    return undefined;
  } catch (err) {
    if (err instanceof ValidationFailedError) return err;
    throw err;
  }
}

const deep = (depth: number, kind: 'object' | 'array') =>
  JSON.parse(kind === 'object' ? '{"a":'.repeat(depth) + '1' + '}'.repeat(depth) : '['.repeat(depth) + '1' + ']'.repeat(depth));

describe('assertSafeBody', () => {
  it('accepts ordinary bodies, nesting up to the limit and well-formed text (astral characters included)', () => {
    expect(refusal({ amount: 1000, remarks: 'Kopi \u{1F600}', tags: ['a', { b: [1, null, true] }] })).toBeUndefined();
    expect(refusal(deep(MAX_BODY_DEPTH, 'object'))).toBeUndefined();
    expect(refusal(deep(MAX_BODY_DEPTH, 'array'))).toBeUndefined();
    expect(refusal(undefined)).toBeUndefined();
    expect(refusal(Object.assign(Object.create(null), { a: 1 }))).toBeUndefined();
  });

  it('refuses nesting deeper than the limit without overflowing the stack', () => {
    for (const kind of ['object', 'array'] as const) {
      expect(refusal(deep(MAX_BODY_DEPTH + 1, kind))?.status).toBe(400);
      expect(refusal(deep(100_000, kind))?.code).toBe('VALIDATION_FAILED');
    }
  });

  it('refuses __proto__ and constructor keys at any depth, as JSON.parse makes them', () => {
    const proto = refusal(JSON.parse('{"amount":1,"__proto__":{"admin":true}}'));
    expect(JSON.stringify(proto?.details)).toBe('{"errors":{"__proto__":["__proto__ is not an accepted field"]}}');
    expect(refusal(JSON.parse('{"amount":1,"constructor":"x"}'))?.message).toBe('Validation failed: constructor is not an accepted field');
    expect(refusal(JSON.parse('{"a":[{"b":{"__proto__":null}}]}'))?.message).toBe('Validation failed: a[0].b.__proto__ is not an accepted field');
    expect(refusal({ a: Object.create({ polluted: true }) })).toBeDefined();
  });

  it('refuses lone surrogates in values and keys', () => {
    expect(refusal(JSON.parse('{"remarks":"x\\ud800"}'))?.details).toEqual({ errors: { remarks: ['remarks must be well-formed Unicode text (no lone surrogates)'] } });
    expect(refusal(JSON.parse('{"a":["ok","\\udfff"]}'))?.message).toContain('a[1]');
    expect(refusal(JSON.parse('{"\\ud800":1}'))).toBeDefined();
    expect(refusal('\ud800')).toBeDefined();
  });
});
