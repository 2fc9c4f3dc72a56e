/** A small SVG chart (no chart library) with a few bars per group, e.g. funded vs paid per token. */
export interface BarGroup {
  label: string;
  /** One value per series (same order as `series`); undefined draws a dashed placeholder. */
  values: (bigint | undefined)[];
  /** Text above each bar. */
  captions: string[];
}

const WIDTH = 560;
const HEIGHT = 220;
const PAD = { top: 26, right: 12, bottom: 30, left: 12 };

export function GroupedBarChart({
  title,
  series,
  groups,
  testId,
}: {
  title: string;
  series: readonly string[];
  groups: readonly BarGroup[];
  testId?: string;
}) {
  if (groups.length === 0) return null;
  let max = 0n;
  for (const group of groups) for (const v of group.values) if (v !== undefined && v > max) max = v;
  const innerWidth = WIDTH - PAD.left - PAD.right;
  const innerHeight = HEIGHT - PAD.top - PAD.bottom;
  const slot = innerWidth / groups.length;
  const barWidth = Math.min(56, (slot * 0.8) / series.length);
  const heightOf = (value: bigint) =>
    Math.max(2, max === 0n ? 0 : (Number((value * 1000n) / max) / 1000) * innerHeight);
  const summary = groups
    .map((g) => `${g.label}: ${series.map((s, i) => `${s} ${g.captions[i] ?? "unknown"}`).join(", ")}`)
    .join("; ");
  return (
    <figure className="chart" data-testid={testId}>
      <figcaption>
        {title}
        <span className="legend">
          {series.map((s, i) => (
            <span key={s} className="legend-item">
              <span className={`swatch series-${i}`} aria-hidden="true" /> {s}
            </span>
          ))}
        </span>
      </figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`${title}. ${summary}`}>
        <line x1={PAD.left} x2={WIDTH - PAD.right} y1={HEIGHT - PAD.bottom} y2={HEIGHT - PAD.bottom} className="axis" />
        {groups.map((group, g) => {
          const start = PAD.left + slot * g + (slot - barWidth * series.length) / 2;
          return (
            <g key={group.label}>
              {series.map((s, i) => {
                const value = group.values[i];
                const h = value === undefined ? innerHeight * 0.35 : heightOf(value);
                const x = start + barWidth * i;
                const y = HEIGHT - PAD.bottom - h;
                return (
                  <g key={s}>
                    <rect
                      x={x + 2}
                      y={y}
                      width={barWidth - 4}
                      height={h}
                      rx={3}
                      className={value === undefined ? "bar unknown" : `bar series-${i}`}
                    />
                    <text x={x + barWidth / 2} y={y - 6} textAnchor="middle" className="bar-caption">
                      {group.captions[i] ?? ""}
                    </text>
                  </g>
                );
              })}
              <text
                x={PAD.left + slot * g + slot / 2}
                y={HEIGHT - PAD.bottom + 19}
                textAnchor="middle"
                className="bar-label"
              >
                {group.label}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
