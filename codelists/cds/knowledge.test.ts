import { knowledge, KNOWLEDGE_FILES, parseKnowledge } from './index';

/** The decision-support knowledge base (issue 17): cited, versioned, validated, and honest about what was not checked. */
describe('the knowledge base', () => {
  it('loads with zod validation; every item names a source with a version, and says whether it was verified', () => {
    const k = knowledge();
    for (const f of [k.classes, k.interactions, k.allergy, k.renal, k.norgep, k.norgepNh]) {
      expect(f.version).toMatch(/\S/);
      for (const item of f.items as { source: string; verified: boolean }[]) {
        const source = f.sources[item.source];
        expect(source?.citation).toMatch(/\S{10}/);
        expect(source?.version).toMatch(/\S/);
        expect(typeof item.verified).toBe('boolean');
      }
    }
  });

  it('says in each file header that items could not be checked, and flags them', () => {
    const k = knowledge();
    for (const f of [k.interactions, k.allergy, k.renal, k.norgep, k.norgepNh]) {
      expect(f.notes[0]).toMatch(/^UNVERIFIED EXTRACT/);
      expect((f.items as { verified: boolean }[]).every((i) => !i.verified)).toBe(true);
    }
  });

  it('refuses a file whose item lacks a source, names an unknown class, or has a bad severity', () => {
    const withItem = (key: 'interactions', patch: Record<string, unknown>) => {
      const raw = structuredClone(KNOWLEDGE_FILES) as Record<string, { items: Record<string, unknown>[] }>;
      raw[key] = { ...raw[key]!, items: [{ ...raw[key]!.items[0], ...patch }] };
      return () => parseKnowledge(raw as typeof KNOWLEDGE_FILES);
    };
    expect(withItem('interactions', { source: undefined })).toThrow();
    expect(withItem('interactions', { source: 'nowhere' })).toThrow(/source nowhere/);
    expect(withItem('interactions', { a: ['@NO_SUCH_CLASS'] })).toThrow(/unknown class/);
    expect(withItem('interactions', { severity: 'SEVERE' })).toThrow();
    expect(withItem('interactions', { a: ['not an atc'] })).toThrow();
  });
});
