/** Writes simulators/population/demo-patients.json from the population (a test fails when it drifts). */
import { writeFileSync } from 'node:fs';
import { getPopulation } from '../simulators/population';
import { DEMO_PATIENTS_FILE, renderDemoPatientsFile } from '../simulators/population/demoPatients';

writeFileSync(DEMO_PATIENTS_FILE, renderDemoPatientsFile(getPopulation()));
console.log(`wrote ${DEMO_PATIENTS_FILE}`);
