import styles from './reports-page.module.css';

const WIDTH = 640;
const HEIGHT = 180;
const PAD_LEFT = 32;
const PAD_BOTTOM = 20;

// A bar per day, drawn as SVG (no chart library for one chart); the numbers are also in the bars' titles
// and in a visually hidden table for screen readers.
export function PerDayChart({ days }: { days: { date: string; count: number }[] }) {
  const max = Math.max(1, ...days.map((item) => item.count));
  const plotWidth = WIDTH - PAD_LEFT;
  const plotHeight = HEIGHT - PAD_BOTTOM;
  const barWidth = plotWidth / Math.max(1, days.length);
  const labelEvery = Math.ceil(days.length / 8);
  return (
    <figure className={styles.chart}>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label="Conversations per day" data-testid="per-day-chart">
        <line x1={PAD_LEFT} y1={plotHeight} x2={WIDTH} y2={plotHeight} className={styles.axis} />
        <text x={PAD_LEFT - 6} y={12} textAnchor="end" className={styles.tick}>
          {max}
        </text>
        <text x={PAD_LEFT - 6} y={plotHeight} textAnchor="end" className={styles.tick}>
          0
        </text>
        {days.map((item, index) => {
          const height = (item.count / max) * (plotHeight - 8);
          const x = PAD_LEFT + index * barWidth;
          return (
            <g key={item.date}>
              <rect
                x={x + barWidth * 0.15}
                y={plotHeight - height}
                width={Math.max(1, barWidth * 0.7)}
                height={height}
                className={styles.bar}
                data-date={item.date}
                data-count={item.count}
              >
                <title>{`${item.date}: ${item.count}`}</title>
              </rect>
              {index % labelEvery === 0 && (
                <text x={x + barWidth / 2} y={HEIGHT - 4} textAnchor="middle" className={styles.tick}>
                  {item.date.slice(5)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <table className="visually-hidden">
        <caption>Conversations per day</caption>
        <tbody>
          {days.map((item) => (
            <tr key={item.date}>
              <th scope="row">{item.date}</th>
              <td>{item.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
