/**
 * Deterministic demo records: the same seed always gives the same data, so demo screenshots and
 * e2e expectations stay put across resets and machines.
 */
import type { Customer, Product, WorkOrder, WorkOrderLine } from '../../../contract/tables';

/** A record as the seeder inserts it: id plus fields, the shape `records.data` stores. */
export interface SeedRecord {
  id: string;
  data: Record<string, unknown>;
}

export type Random = () => number;

/** mulberry32 seeded from an FNV-1a hash of `seed`: tiny, fast and good enough for demo data. */
export function seededRandom(seed: string): Random {
  let state = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) state = Math.imul(state ^ seed.charCodeAt(i), 0x01000193);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: Random, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)]!;
const between = (random: Random, min: number, max: number): number =>
  min + Math.floor(random() * (max - min + 1));

export const ID_PREFIXES = {
  customers: 'cus',
  products: 'prd',
  workOrders: 'wo',
  workOrderLines: 'wol',
} as const;

export const seedId = (prefix: string, n: number): string =>
  `${prefix}-${String(n).padStart(6, '0')}`;

const FIRST_NAMES = [
  'Astrid',
  'Bjørn',
  'Camilla',
  'Daniel',
  'Eva',
  'Fredrik',
  'Greta',
  'Henrik',
  'Ida',
  'Jonas',
  'Karin',
  'Lars',
  'Maja',
  'Nils',
  'Olivia',
  'Per',
  'Ragnhild',
  'Sven',
  'Tuva',
  'Ulrik',
  'Vera',
  'William',
  'Ylva',
  'Åse',
  'Emil',
  'Sofie',
  'Magnus',
  'Linnea',
];
const LAST_NAMES = [
  'Andersen',
  'Berg',
  'Dahl',
  'Eriksen',
  'Fjeld',
  'Hansen',
  'Haugen',
  'Holm',
  'Johansen',
  'Karlsen',
  'Larsen',
  'Lund',
  'Moen',
  'Nilsen',
  'Olsen',
  'Pedersen',
  'Solberg',
  'Strand',
  'Svendsen',
  'Vik',
  'Lindqvist',
  'Nyström',
  'Ekberg',
];
const COMPANY_KINDS = [
  'Bakery',
  'Dental Clinic',
  'Hotel',
  'School',
  'Gym',
  'Café',
  'Garage',
  'Housing Co-op',
  'Kindergarten',
  'Office Park',
  'Pharmacy',
  'Restaurant',
];
const CITIES = [
  'Oslo',
  'Bergen',
  'Trondheim',
  'Stavanger',
  'Tromsø',
  'Drammen',
  'Kristiansand',
  'Fredrikstad',
  'Bodø',
  'Ålesund',
  'Hamar',
  'Lillehammer',
  'Gothenburg',
  'Malmö',
  'Uppsala',
  'Aarhus',
  'Odense',
  'Aalborg',
];
const STREETS = [
  'Storgata',
  'Kirkeveien',
  'Parkveien',
  'Skolegata',
  'Fjordveien',
  'Strandgata',
  'Bakkegata',
  'Elvegata',
  'Torggata',
  'Møllevegen',
  'Solbakken',
  'Industriveien',
];

export function generateCustomers(random: Random, first: number, count: number): SeedRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const person = `${pick(random, FIRST_NAMES)} ${pick(random, LAST_NAMES)}`;
    const city = pick(random, CITIES);
    const name = random() < 0.4 ? `${city} ${pick(random, COMPANY_KINDS)}` : person;
    const customer: Omit<Customer, 'id'> = {
      name,
      email: `${name.toLowerCase().replace(/[^a-z0-9]+/g, '.')}${first + i}@example.com`,
      phone: `+47 ${between(random, 400, 999)} ${between(random, 10, 99)} ${between(random, 100, 999)}`,
      city,
      address: `${pick(random, STREETS)} ${between(random, 1, 140)}, ${city}`,
    };
    return { id: seedId(ID_PREFIXES.customers, first + i), data: customer };
  });
}

const PRODUCT_LINES: readonly (readonly [name: string, unit: string, code: string])[] = [
  ['Copper pipe', 'm', 'CU'],
  ['PEX pipe', 'm', 'PX'],
  ['Ball valve', 'pcs', 'BV'],
  ['Thermostat', 'pcs', 'TH'],
  ['Circulation pump', 'pcs', 'CP'],
  ['Pressure gauge', 'pcs', 'PG'],
  ['Sealing tape', 'roll', 'ST'],
  ['Installation cable', 'm', 'IC'],
  ['Air filter', 'pcs', 'AF'],
  ['Expansion vessel', 'pcs', 'EV'],
  ['Radiator valve', 'pcs', 'RV'],
  ['Heat pump service', 'h', 'HS'],
  ['Labour', 'h', 'LB'],
  ['Pipe insulation', 'm', 'PI'],
  ['Drain cleaner', 'l', 'DC'],
];
const VARIANTS = ['15 mm', '22 mm', '28 mm', 'DN20', 'DN25', 'Basic', 'Pro', 'Compact', 'XL'];

export function generateProducts(random: Random, first: number, count: number): SeedRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const [name, unit, code] = pick(random, PRODUCT_LINES);
    const product: Omit<Product, 'id'> = {
      sku: `${code}-${String(first + i).padStart(5, '0')}`,
      name: unit === 'h' ? name : `${name} ${pick(random, VARIANTS)}`,
      unit,
      unitPrice: Math.round((5 + random() * 1995) * 100) / 100,
    };
    return { id: seedId(ID_PREFIXES.products, first + i), data: product };
  });
}

const JOBS = [
  'Annual boiler service',
  'Leaking tap',
  'Install heat pump',
  'Replace thermostat',
  'Bleed radiators',
  'Water heater inspection',
  'Blocked drain',
  'Insulate pipes',
  'Replace circulation pump',
  'Emergency call-out',
  'Ventilation filter change',
  'Fix pressure drop',
];
const NOTES = [
  'Key at the reception.',
  'Call 30 minutes before arrival.',
  'Dog on the premises.',
  'Parking in the back yard.',
  'Customer asks for a quote first.',
  'Second visit, parts ordered.',
];

/** Weighted so the demo lists look lived-in: mostly open or done, a few cancelled. */
function status(random: Random): WorkOrder['status'] {
  const roll = random();
  if (roll < 0.4) return 'open';
  if (roll < 0.6) return 'inProgress';
  if (roll < 0.95) return 'done';
  return 'cancelled';
}

/** Dates in 2026, from a fixed base: `Date.now()` would make the seed differ between runs. */
function scheduledDate(random: Random): string {
  const base = Date.UTC(2026, 0, 1);
  return new Date(base + between(random, 0, 364) * 86_400_000).toISOString().slice(0, 10);
}

export function generateWorkOrders(
  random: Random,
  first: number,
  count: number,
  customerIds: readonly string[],
): SeedRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const order: Omit<WorkOrder, 'id'> = {
      title: pick(random, JOBS),
      customerId: pick(random, customerIds),
      status: status(random),
      scheduledFor: scheduledDate(random),
    };
    if (random() < 0.3) order.notes = pick(random, NOTES);
    return { id: seedId(ID_PREFIXES.workOrders, first + i), data: order };
  });
}

function line(random: Random, workOrderId: string, productId: string): Omit<WorkOrderLine, 'id'> {
  const result: Omit<WorkOrderLine, 'id'> = {
    workOrderId,
    productId,
    quantity: random() < 0.3 ? between(random, 1, 16) / 2 : between(random, 1, 10),
  };
  if (random() < 0.1) result.note = pick(random, ['Spare part', 'Warranty', 'Customer supplied']);
  return result;
}

/** The demo's lines: one to three per work order. */
export function generateLinesPerOrder(
  random: Random,
  first: number,
  workOrderIds: readonly string[],
  productIds: readonly string[],
): SeedRecord[] {
  const lines: SeedRecord[] = [];
  for (const workOrderId of workOrderIds) {
    for (let n = between(random, 1, 3); n > 0; n--) {
      const data = line(random, workOrderId, pick(random, productIds));
      lines.push({ id: seedId(ID_PREFIXES.workOrderLines, first + lines.length), data });
    }
  }
  return lines;
}

/** `count` more lines on randomly chosen existing work orders. */
export function generateLines(
  random: Random,
  first: number,
  count: number,
  workOrderIds: readonly string[],
  productIds: readonly string[],
): SeedRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    id: seedId(ID_PREFIXES.workOrderLines, first + i),
    data: line(random, pick(random, workOrderIds), pick(random, productIds)),
  }));
}
