import { describe, expect, it } from 'vitest';
import { computePosition, positionCounts, type ModelUsage } from '../../src/reconcile/computePosition';
import { toCents } from '../../src/reconcile/money';
import { csvLine } from '../../src/api/routes/licence/csv';

const spread = { '0-30': 0, '30-60': 0, '60-90': 0, '90+': 0, never: 0 };
const usage = (u: Partial<ModelUsage>): ModelUsage => ({
  modelId: 'm',
  edition: 'Member',
  billable: true,
  currency: 'EUR',
  rightsOwned: 0,
  valueCents: 0n,
  used: 0,
  openCandidates: 0,
  reclaimed: 0,
  activitySpread: spread,
  ...u,
});

describe('the position of one model', () => {
  it('is compliant when owned equals used, over-licensed (and compliant) with spare seats, under-licensed with a shortfall', () => {
    expect(computePosition(usage({ rightsOwned: 3, valueCents: 300n, used: 3 }))).toMatchObject({ position: 'compliant', compliant: true, available: 0, shortfall: 0 });
    expect(computePosition(usage({ rightsOwned: 5, valueCents: 500n, used: 3 }))).toMatchObject({ position: 'over_licensed', compliant: true, available: 2, overLicensedAmount: '2.00' });
    expect(computePosition(usage({ rightsOwned: 2, valueCents: 200n, used: 3 }))).toMatchObject({ position: 'under_licensed', compliant: false, shortfall: 1, trueUpCost: '1.00' });
    expect(positionCounts([{ position: 'compliant' }, { position: 'over_licensed' }, { position: 'under_licensed' }])).toEqual({ models: 3, underLicensed: 1, overLicensed: 1, compliant: 2 });
  });

  it('weights the average price by quantity and rounds each amount once, half up', () => {
    // 2 seats at 10.00 and 1 at 10.01: 30.01 / 3 = 10.00333...
    const p = computePosition(usage({ rightsOwned: 3, valueCents: 3001n, used: 6, openCandidates: 1, reclaimed: 3 }));
    expect(p.averageUnitPrice).toBe('10.0033');
    expect(p.trueUpCost).toBe('30.01'); // 3 x 10.00333 = 30.01, not 3 x 10.0033 = 30.0099
    expect(p.potentialSavings).toBe('10.00');
    expect(p.actualSavings).toBe('30.01');
    // 1 x 0.005 = 0.005 rounds up to 0.01.
    expect(computePosition(usage({ rightsOwned: 2, valueCents: 1n, used: 3 })).trueUpCost).toBe('0.01');
  });

  it('a free licence type (guests) is never under-licensed and saves nothing, however many seats it uses', () => {
    expect(computePosition(usage({ edition: 'Guest', billable: false, currency: null, used: 40, openCandidates: 5, reclaimed: 2 }))).toMatchObject({
      shortfall: 0,
      position: 'compliant',
      compliant: true,
      trueUpCost: '0.00',
      potentialSavings: '0.00',
      actualSavings: '0.00',
    });
    // Seats bought of it and not used are still money spent.
    expect(computePosition(usage({ billable: false, rightsOwned: 10, valueCents: 1000n, used: 4, openCandidates: 1 }))).toMatchObject({
      position: 'over_licensed',
      available: 6,
      overLicensedAmount: '6.00',
      potentialSavings: '0.00',
    });
  });

  it('has no price and costs nothing without seats owned', () => {
    expect(computePosition(usage({ currency: null, used: 4, openCandidates: 2, reclaimed: 1 }))).toMatchObject({
      rightsOwned: 0,
      shortfall: 4,
      position: 'under_licensed',
      averageUnitPrice: null,
      trueUpCost: '0.00',
      overLicensedAmount: '0.00',
      potentialSavings: '0.00',
      actualSavings: '0.00',
    });
  });

  it('reads exact cents from numeric text', () => {
    expect(toCents('0')).toBe(0n);
    expect(toCents('12.5')).toBe(1250n);
    expect(toCents('12.05')).toBe(1205n);
    expect(toCents('123456789012.99')).toBe(12345678901299n);
    expect(() => toCents('1.005')).toThrow();
  });
});

describe('CSV cells', () => {
  const cell = (v: unknown) => csvLine([v]).slice(0, -2);
  it('quote what needs quoting and defuse formulas', () => {
    expect(csvLine(['a', 'b, c', 'say "hi"', 'two\nlines', null, true, 3])).toBe('a,"b, c","say ""hi""","two\nlines",,true,3\r\n');
    // A formula's first character gets an apostrophe, and the cell is quoted.
    expect(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx'].map(cell)).toEqual([`"'=1+1"`, `"'+1"`, "'-1", `"'@SUM(A1)"`, `"'\tx"`, `"'\rx"`]);
    expect(cell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(cell(new Date('2025-01-02T03:04:05.006Z'))).toBe('2025-01-02T03:04:05.006Z');
    // Whatever the first character: a cell a spreadsheet could split (on ; | or tab) or read as a formula is quoted.
    expect([';=1+1', 'a=b', 'x|y', 'a@b.example'].map(cell)).toEqual(['";=1+1"', '"a=b"', '"x|y"', '"a@b.example"']);
    expect(cell('plain text')).toBe('plain text');
  });
});
