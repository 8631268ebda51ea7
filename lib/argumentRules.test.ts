import { buildASTSchema, getNamedType, isObjectType, parse, visit } from 'graphql';
import { readSupergraph } from './subgraphs';
import { ARGUMENT_RULES, argumentProblem, isIsoDate } from './argumentRules';

/** The client-facing arguments of the supergraph (hidden, @inaccessible fields aside), as `Type.field.arg` → type name. */
function clientArguments(): Map<string, string> {
  const doc = parse(readSupergraph());
  const hidden = new Set<string>();
  visit(doc, {
    FieldDefinition(node, _key, _parent, _path, ancestors) {
      const owner = ancestors[ancestors.length - 1] as { name?: { value: string } } | undefined;
      if (node.directives?.some((d) => d.name.value === 'inaccessible')) hidden.add(`${owner?.name?.value}.${node.name.value}`);
    },
  });
  const schema = buildASTSchema(doc, { assumeValid: true, assumeValidSDL: true });
  const found = new Map<string, string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__') || type.name.startsWith('join__') || type.name.startsWith('link__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (hidden.has(`${type.name}.${field.name}`)) continue;
      for (const arg of field.args) found.set(`${type.name}.${field.name}.${arg.name}`, getNamedType(arg.type).name);
    }
  }
  return found;
}

describe('argument rules', () => {
  it('cover every count and every date a client can send, and name only arguments that exist', () => {
    const args = clientArguments();
    const needRule = [...args].filter(([coordinate, type]) => type === 'Int' || /\.(from|to|date|since|until)$/i.test(coordinate)).map(([c]) => c);
    expect(needRule.filter((c) => !ARGUMENT_RULES[c])).toEqual([]);
    // A rule on a field of an input object names the argument it is in (`Mutation.sendMessage.input.text`).
    expect(Object.keys(ARGUMENT_RULES).filter((c) => !args.has(c.split('.').slice(0, 3).join('.')))).toEqual([]);
  });

  it('take ISO 8601 dates of days that exist, and date-times only with an offset', () => {
    for (const ok of ['2026-11-30', '2024-02-29', '2026-11-30T08:00:00Z', '2026-11-30T08:00:00.123+01:00']) expect([ok, isIsoDate(ok)]).toEqual([ok, true]);
    for (const bad of ['yesterday', '2026-02-29', '2026-13-01', '30.11.2026', '2026-11-30T08:00:00', '2026-11-30T25:00:00Z', '20261130', '']) expect([bad, isIsoDate(bad)]).toEqual([bad, false]);
  });

  it('refuse counts out of bounds and from after to, saying what is allowed', () => {
    expect(argumentProblem('Patient', 'timeline', { first: -1 })).toEqual({ argument: 'first', message: 'timeline(first:) takes a whole number from 0 to 1000', code: 'BAD_USER_INPUT' });
    expect(argumentProblem('Patient', 'timeline', { first: 1001 })?.argument).toBe('first');
    expect(argumentProblem('Patient', 'timeline', { first: 0, from: '2020-01-01', to: '2020-12-31' })).toBeUndefined();
    expect(argumentProblem('Patient', 'timeline', { from: '2021-01-01', to: '2020-12-31' })).toEqual({ argument: 'from', message: 'timeline(from:) must not be after timeline(to:)', code: 'BAD_USER_INPUT' });
    expect(argumentProblem('Patient', 'accessLog', { last: 0 })?.message).toBe('accessLog(last:) takes a whole number from 1 to 500');
    expect(argumentProblem('CareRecord', 'visits', { last: 201 })?.argument).toBe('last');
    expect(argumentProblem('CareRecord', 'visits', { last: null })).toBeUndefined();
  });

  it('check the fields of an input object, naming the field and never its value', () => {
    const input = { idempotencyKey: 'k-1', patient: '03864013065', recipientHerId: '81241', kind: 'QUESTION', subject: 'Spironolakton', text: 'Skal hun ha den?' };
    expect(argumentProblem('Mutation', 'sendMessage', { input })).toBeUndefined();
    expect(argumentProblem('Mutation', 'sendMessage', { input: { ...input, text: '' } })).toEqual({ argument: 'input.text', message: 'sendMessage(input: { text }) takes text of 1 to 10,000 characters', code: 'BAD_USER_INPUT' });
    expect(argumentProblem('Mutation', 'sendMessage', { input: { ...input, text: '   ' } })?.argument).toBe('input.text');
    expect(argumentProblem('Mutation', 'sendMessage', { input: { ...input, text: 'x'.repeat(10_001) } })?.argument).toBe('input.text');
    expect(argumentProblem('Mutation', 'sendMessage', { input: { ...input, patient: '12345678901' } })).toEqual(expect.objectContaining({ argument: 'input.patient', code: 'INVALID_NIN' }));
    expect(JSON.stringify(argumentProblem('Mutation', 'sendMessage', { input: { ...input, patient: '12345678901' } }))).not.toContain('12345678901');
    expect(argumentProblem('Mutation', 'sendMessage', { input: { ...input, recipientHerId: 'abc' } })?.argument).toBe('input.recipientHerId');
    expect(argumentProblem('Mutation', 'sendMessage', { input: { ...input, idempotencyKey: 'has space' } })?.argument).toBe('input.idempotencyKey');
  });
});
