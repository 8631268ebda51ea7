import { utcToOsloLocal } from '../../lib/osloTime';
import type { DispenserDose, DispenserFault, DispenserRecord } from '../population/dispenser';

/**
 * One patient in the dispenser vendor's export, in the vendor's words: Norwegian field names, dates as yyyy-mm-dd,
 * times as Norwegian wall-clock time `yyyy-mm-dd HH:mm` without a zone (how the platform's own screens show them),
 * null for what is not known. Every dose the dispenser released is an event: DOSE_TATT (on time), DOSE_TATT_SENT
 * (taken out late), DOSE_IKKE_TATT (left in the dispenser, locked away when its window closed), and the dispenser's
 * faults PAFYLL_NODVENDIG (refill needed) and STROMBRUDD (lost power). An alert (a missed dose, a fault) goes to the
 * dispenser's varslingsmottaker, who acknowledges it (`kvittert`).
 */
export function veggklokke(iso: string): string {
  return utcToOsloLocal(iso).slice(0, 16).replace('T', ' ');
}

const DOSE_TYPE: Record<DispenserDose['outcome'], string> = { TAKEN: 'DOSE_TATT', LATE: 'DOSE_TATT_SENT', MISSED: 'DOSE_IKKE_TATT' };
const FAULT_TYPE: Record<DispenserFault['kind'], string> = { REFILL_NEEDED: 'PAFYLL_NODVENDIG', POWER_FAILURE: 'STROMBRUDD' };

export function pasient(personnummer: string, record: DispenserRecord): Record<string, unknown> {
  const mottaker = new Map(record.devices.map((d) => [d.serial, d.alertRecipient]));
  const kvittert = (serial: string, at: string | null) => (at ? { tidspunkt: veggklokke(at), av: mottaker.get(serial) ?? null } : null);
  const hendelser = [
    ...record.doses.map((d) => ({
      hendelseId: d.id,
      serienummer: d.serial,
      tidspunkt: veggklokke(d.time),
      type: DOSE_TYPE[d.outcome],
      legemiddel: { atc: d.atc, navn: d.name },
      planlagt: veggklokke(d.scheduled),
      kvittert: kvittert(d.serial, d.acknowledgedAt),
      sortBy: d.time,
    })),
    ...record.faults.map((f) => ({
      hendelseId: f.id,
      serienummer: f.serial,
      tidspunkt: veggklokke(f.time),
      type: FAULT_TYPE[f.kind],
      legemiddel: null,
      planlagt: null,
      kvittert: kvittert(f.serial, f.acknowledgedAt),
      sortBy: f.time,
    })),
  ]
    // Oldest first, as the platform logs them.
    .sort((a, b) => a.sortBy.localeCompare(b.sortBy) || a.hendelseId.localeCompare(b.hendelseId))
    .map(({ sortBy: _sortBy, ...h }) => h);
  return {
    personnummer,
    dispensere: record.devices.map((d) => ({
      serienummer: d.serial,
      modell: d.model,
      produsent: d.manufacturer,
      installert: d.installed,
      avsluttet: d.ended,
      plassering: d.location,
      varslingsmottaker: d.alertRecipient,
    })),
    hendelser,
  };
}
