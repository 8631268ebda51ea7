/**
 * eGFR from plasma creatinine with the CKD-EPI 2021 equation (Inker et al., N Engl J Med 2021;385:1737-49), without a
 * race coefficient, as Norwegian laboratories report it. Creatinine in µmol/L (divided by 88.4 for mg/dL), age in whole
 * years; mL/min/1.73 m².
 *   eGFR = 142 × min(Scr/κ, 1)^α × max(Scr/κ, 1)^-1.200 × 0.9938^age × 1.012 (female)
 *   κ = 0.7 (female), 0.9 (male); α = -0.241 (female), -0.302 (male)
 */
export function ckdEpi2021(creatinineUmolL: number, age: number, sex: 'FEMALE' | 'MALE'): number {
  const female = sex === 'FEMALE';
  const scr = creatinineUmolL / 88.4;
  const kappa = female ? 0.7 : 0.9;
  const alpha = female ? -0.241 : -0.302;
  const ratio = scr / kappa;
  return 142 * Math.min(ratio, 1) ** alpha * Math.max(ratio, 1) ** -1.2 * 0.9938 ** age * (female ? 1.012 : 1);
}
