import { nullEntities } from './SubgraphDataSource';

describe('nullEntities (an unreachable subgraph answers null for what it was asked)', () => {
  const query = `query Plan__care__1($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on Patient { careRecord { municipality } meds: careMedicationEntries { atc } __typename }
      ... on Practitioner { name { text } }
    }
  }`;

  it('gives every entity each field it was asked for, as null, under its alias', () => {
    const representations = [
      { __typename: 'Patient', nin: 'a' },
      { __typename: 'Practitioner', hprNumber: '1' },
    ];
    expect(nullEntities(query, { representations })).toEqual({
      _entities: [
        { __typename: 'Patient', careRecord: null, meds: null },
        { __typename: 'Practitioner', name: null },
      ],
    });
  });

  it('gives nothing for a root query or no query', () => {
    expect(nullEntities('{ patient(nin: "x") { name { text } } }', {})).toBeUndefined();
    expect(nullEntities(undefined, {})).toBeUndefined();
  });
});
