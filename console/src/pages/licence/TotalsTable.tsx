import type { CurrencyTotals } from '../../api/types';
import { formatCount, formatMoney } from '../../lib/format';

export function TotalsTable({ totals }: { totals: Record<string, CurrencyTotals> }) {
  const currencies = Object.keys(totals).sort();
  if (currencies.length === 0) return null;
  return (
    <div class="table-scroll" tabIndex={0}>
      <table class="data wide">
        <caption>Totals per currency (costed models)</caption>
        <thead>
          <tr>
            <th scope="col">Currency</th>
            <th scope="col">Owned</th>
            <th scope="col">Used</th>
            <th scope="col">True-up cost</th>
            <th scope="col">Over-licensed amount</th>
            <th scope="col">Potential savings</th>
            <th scope="col">Actual savings</th>
          </tr>
        </thead>
        <tbody>
          {currencies.map((c) => {
            const t = totals[c]!;
            return (
              <tr key={c}>
                <th scope="row">{c}</th>
                <td>{formatCount(t.rightsOwned)}</td>
                <td>{formatCount(t.used)}</td>
                <td>{formatMoney(t.trueUpCost, c)}</td>
                <td>{formatMoney(t.overLicensedAmount, c)}</td>
                <td>{formatMoney(t.potentialSavings, c)}</td>
                <td>{formatMoney(t.actualSavings, c)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
