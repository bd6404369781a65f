/** Key-value pairs as a two-column table; `empty` says what it means when there are none. */
export function AttributeTable({ rows, empty }: { rows: ReadonlyArray<readonly [string, string]>; empty: string }) {
  if (rows.length === 0) return <p class="muted details-empty">{empty}</p>;
  return (
    <table class="attribute-table">
      <tbody>
        {rows.map(([key, value]) => (
          <tr key={key}>
            <th scope="row" class="mono">
              {key}
            </th>
            <td class="mono">{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
