import { blocksOf } from '../consents';
import { SYSTEM, type Consent } from '../fhir';

const recipient = { coding: [{ system: SYSTEM.participationType, code: 'IRCP' }] };
const consent = (actors: { system: string; value: string }[]): Consent => ({
  resourceType: 'Consent',
  id: 'c1',
  status: 'active',
  patient: { reference: 'Patient/p1' },
  provision: { type: 'deny', actor: actors.map((identifier) => ({ role: recipient, reference: { identifier } })) },
});

describe('blocks read from a Consent', () => {
  it('name people and organisations in the normal form the readers\' tokens have', () => {
    // A hospital may write "009429915": the same practitioner as HPR 9429915, whom the block must keep out.
    const [block] = blocksOf(consent([{ system: SYSTEM.hpr, value: '009429915' }, { system: SYSTEM.orgNumber, value: '0983974724' }]));
    expect(block).toEqual(expect.objectContaining({ deniedPersons: ['9429915'], deniedOrganisations: ['983974724'], deniesEveryone: false }));
  });

  it('deny everyone when an actor is not a readable identifier', () => {
    const [block] = blocksOf(consent([{ system: SYSTEM.hpr, value: '12345678901' }]));
    expect(block?.deniesEveryone).toBe(true);
  });
});
