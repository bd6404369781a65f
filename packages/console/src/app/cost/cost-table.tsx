import type { CostLine } from '@stitch/cost';
import { bytes, count, dollars } from './cost-format.ts';

/** Usage and cost, one row per account, service or day, and the total. */
export function CostTable({ label, heading, lines, total }: { label: string; heading: string; lines: Array<CostLine & { name: string }>; total: CostLine }) {
  const row = (name: string, line: CostLine, isTotal = false) => (
    <tr key={name} data-row={isTotal ? 'total' : name} class={isTotal ? 'total' : ''}>
      <th scope="row">{name}</th>
      <td>{count(line.usage.tracesRecorded)}</td>
      <td>{count(line.usage.spans)}</td>
      <td>{bytes(line.usage.bytesIngested)}</td>
      <td>{bytes(line.usage.bytesStored)}</td>
      <td>{count(line.usage.tracesScanned + line.usage.tracesRetrieved)}</td>
      <td class="cost">{dollars(line.cost.total)}</td>
      <td>{dollars(line.costPerTrace)}</td>
    </tr>
  );
  return (
    <table class="cost-table" aria-label={label}>
      <thead>
        <tr>
          <th>{heading}</th>
          <th>traces</th>
          <th>spans</th>
          <th>ingested</th>
          <th>stored</th>
          <th>read</th>
          <th>cost</th>
          <th>per trace</th>
        </tr>
      </thead>
      <tbody>
        {lines.map((line) => row(line.name, line))}
        {row('total', total, true)}
      </tbody>
    </table>
  );
}
