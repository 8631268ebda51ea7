/** Norwegian given names by generation, surnames, and streets per municipality (with real postal codes). */

export const GIVEN_NAMES = {
  female: {
    old: ['Ingrid', 'Kari', 'Anne', 'Marit', 'Astrid', 'Solveig', 'Randi', 'Liv', 'Bjørg', 'Gerd', 'Berit', 'Else', 'Ragnhild', 'Aud', 'Eva', 'Turid', 'Sigrid', 'Inger', 'Gunvor', 'Reidun'],
    middle: ['Hilde', 'Silje', 'Camilla', 'Kristin', 'Ingvild', 'Marianne', 'Tone', 'Heidi', 'Lene', 'Ida', 'Maria', 'Line', 'Trine', 'Siri', 'Hanne'],
    young: ['Nora', 'Emma', 'Sofie', 'Ella', 'Maja', 'Olivia', 'Ingrid', 'Leah', 'Frida', 'Amalie', 'Sara', 'Thea', 'Vilde', 'Hedda', 'Aurora'],
  },
  male: {
    old: ['Ole', 'Per', 'Kjell', 'Arne', 'Knut', 'Svein', 'Jan', 'Bjørn', 'Odd', 'Hans', 'Tor', 'Terje', 'Rolf', 'Geir', 'Leif', 'Egil', 'Sverre', 'Harald', 'Olav', 'Trygve'],
    middle: ['Espen', 'Morten', 'Lars', 'Thomas', 'Anders', 'Kristian', 'Martin', 'Eirik', 'Jørgen', 'Andreas', 'Stian', 'Håkon', 'Fredrik', 'Øyvind', 'Vegard'],
    young: ['Jakob', 'Emil', 'Noah', 'Oliver', 'Filip', 'Lukas', 'Henrik', 'Aksel', 'Isak', 'Magnus', 'Sander', 'Elias', 'Johannes', 'Theodor', 'Mathias'],
  },
} as const;

export const FOREIGN_NAMES = {
  female: { given: ['Agnieszka', 'Ieva', 'Katarzyna', 'Anna', 'Rasa', 'Marta'], family: ['Kowalska', 'Nowak', 'Kazlauskienė', 'Wiśniewska', 'Petrauskienė'] },
  male: { given: ['Piotr', 'Tomasz', 'Mindaugas', 'Andrzej', 'Jonas', 'Krzysztof'], family: ['Kowalski', 'Nowak', 'Kazlauskas', 'Wiśniewski', 'Petrauskas'] },
} as const;

export const FAMILY_NAMES = [
  'Hansen', 'Johansen', 'Olsen', 'Larsen', 'Andersen', 'Pedersen', 'Nilsen', 'Kristiansen', 'Jensen', 'Karlsen',
  'Johnsen', 'Pettersen', 'Eriksen', 'Berg', 'Haugen', 'Hagen', 'Johannessen', 'Andreassen', 'Jacobsen', 'Dahl',
  'Jørgensen', 'Halvorsen', 'Henriksen', 'Lund', 'Sørensen', 'Jakobsen', 'Moen', 'Gundersen', 'Iversen', 'Strand',
  'Solberg', 'Svendsen', 'Eide', 'Knutsen', 'Martinsen', 'Paulsen', 'Bakken', 'Kristoffersen', 'Mathisen', 'Lie',
  'Amundsen', 'Nguyen', 'Rasmussen', 'Ali', 'Lunde', 'Solheim', 'Berge', 'Moe', 'Nygård', 'Bakke', 'Kvamme', 'Brekke',
  'Sandvik', 'Vik', 'Aasen', 'Myhre', 'Tveit', 'Fossum', 'Rønning', 'Aune',
];

export interface Street {
  name: string;
  postalCode: string;
  city: string;
}

export const STREETS: Record<string, Street[]> = {
  '4601': [
    { name: 'Strandgaten', postalCode: '5013', city: 'BERGEN' },
    { name: 'Nygårdsgaten', postalCode: '5015', city: 'BERGEN' },
    { name: 'Kalfarveien', postalCode: '5018', city: 'BERGEN' },
    { name: 'Sandviksveien', postalCode: '5035', city: 'BERGEN' },
    { name: 'Fjøsangerveien', postalCode: '5054', city: 'BERGEN' },
    { name: 'Inndalsveien', postalCode: '5063', city: 'BERGEN' },
    { name: 'Fyllingsveien', postalCode: '5145', city: 'FYLLINGSDALEN' },
    { name: 'Landåssvingen', postalCode: '5096', city: 'BERGEN' },
    { name: 'Haukelandsveien', postalCode: '5009', city: 'BERGEN' },
    { name: 'Michael Krohns gate', postalCode: '5031', city: 'BERGEN' },
  ],
  '4627': [
    { name: 'Kleppeveien', postalCode: '5300', city: 'KLEPPESTØ' },
    { name: 'Florvågvegen', postalCode: '5306', city: 'ERDAL' },
    { name: 'Strusshamnvegen', postalCode: '5302', city: 'STRUSSHAMN' },
    { name: 'Ravnangervegen', postalCode: '5310', city: 'HAUGLANDSHELLA' },
    { name: 'Askøyvegen', postalCode: '5305', city: 'FLORVÅG' },
  ],
  '5001': [
    { name: 'Munkegata', postalCode: '7011', city: 'TRONDHEIM' },
    { name: 'Kongens gate', postalCode: '7012', city: 'TRONDHEIM' },
    { name: 'Elgeseter gate', postalCode: '7030', city: 'TRONDHEIM' },
    { name: 'Innherredsveien', postalCode: '7014', city: 'TRONDHEIM' },
    { name: 'Byåsveien', postalCode: '7021', city: 'TRONDHEIM' },
    { name: 'Jonsvannsveien', postalCode: '7051', city: 'TRONDHEIM' },
    { name: 'Bromstadvegen', postalCode: '7046', city: 'TRONDHEIM' },
    { name: 'Lade allé', postalCode: '7041', city: 'TRONDHEIM' },
    { name: 'Heimdalsvegen', postalCode: '7080', city: 'HEIMDAL' },
    { name: 'Strindvegen', postalCode: '7034', city: 'TRONDHEIM' },
  ],
};

/** Street names most Norwegian towns have, for a municipality STREETS does not list (one added to the configuration). */
const COMMON_STREETS = ['Storgata', 'Kirkegata', 'Skolevegen', 'Kirkevegen', 'Stasjonsvegen', 'Idrettsvegen', 'Parkvegen', 'Fjordvegen'];

/**
 * The streets people of a municipality live in: STREETS', or for a municipality it does not list, common street names
 * in a city of the municipality's name, with the municipality's number standing in for a postal code (the simulators
 * hold no postal register). A vendor may list real streets in STREETS: that changes their residents' addresses, and nothing else.
 */
export function streetsIn(municipality: string, name: string | undefined): Street[] {
  return STREETS[municipality] ?? COMMON_STREETS.map((street) => ({ name: street, postalCode: municipality, city: (name ?? municipality).toUpperCase() }));
}

export const NURSING_HOMES: Record<string, string[]> = {
  '4601': ['Fyllingsdalen sykehjem', 'Sandviken omsorgssenter'],
  '4627': ['Ravneberghaugen sykehjem'],
  '5001': ['Ila helse- og velferdssenter', 'Moholt helse- og velferdssenter'],
};
