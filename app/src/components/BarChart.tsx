/** A small SVG bar chart (no chart library): one bar per epoch. */
export interface Bar {
  label: string;
  /** Undefined draws a dashed placeholder (value not known, e.g. still encrypted). */
  value?: bigint;
  /** Text above the bar (the formatted value, or why there is none). */
  caption: string;
}

const WIDTH = 560;
const HEIGHT = 200;
const PAD = { top: 24, right: 12, bottom: 28, left: 12 };

export function BarChart({ bars, title, testId }: { bars: readonly Bar[]; title: string; testId?: string }) {
  if (bars.length === 0) return null;
  const max = bars.reduce((m, b) => (b.value !== undefined && b.value > m ? b.value : m), 0n);
  const innerWidth = WIDTH - PAD.left - PAD.right;
  const innerHeight = HEIGHT - PAD.top - PAD.bottom;
  const slot = innerWidth / bars.length;
  const barWidth = Math.min(64, slot * 0.6);
  // A 2-pixel stub for zero, so that every epoch shows where it stands.
  const heightOf = (value: bigint) =>
    Math.max(2, max === 0n ? 0 : (Number((value * 1000n) / max) / 1000) * innerHeight);
  return (
    <figure className="chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`${title}: ${bars.map((b) => `${b.label} ${b.caption}`).join(", ")}`}
      >
        <line x1={PAD.left} x2={WIDTH - PAD.right} y1={HEIGHT - PAD.bottom} y2={HEIGHT - PAD.bottom} className="axis" />
        {bars.map((bar, i) => {
          const x = PAD.left + slot * i + (slot - barWidth) / 2;
          const known = bar.value !== undefined;
          const h = known ? heightOf(bar.value ?? 0n) : innerHeight * 0.35;
          const y = HEIGHT - PAD.bottom - h;
          return (
            <g key={bar.label}>
              <rect x={x} y={y} width={barWidth} height={h} className={known ? "bar" : "bar unknown"} rx={3} />
              <text x={x + barWidth / 2} y={y - 6} textAnchor="middle" className="bar-caption">
                {bar.caption}
              </text>
              <text x={x + barWidth / 2} y={HEIGHT - PAD.bottom + 18} textAnchor="middle" className="bar-label">
                {bar.label}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
