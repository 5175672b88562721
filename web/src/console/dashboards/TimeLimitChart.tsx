/** The on-time rate of each time limit as bars (percent), with the counts behind it in the tooltip. Load lazily. */
import { useMemo, type ReactElement } from 'react';
import { AXIS_LABEL, barTooltip, SPLIT_LINE, useChart } from '../../shared/useChart';

export interface TimeLimitBar {
  label: string;
  due: number;
  onTime: number;
  late: number;
  unmetLate: number;
  rateBp: number | null;
}

export interface TimeLimitChartProps {
  bars: TimeLimitBar[];
  height?: number;
  labels: { tooltip: (bar: TimeLimitBar) => string; none: string };
}

/** Green at 95 % and above, amber from 80 %, red below. */
export const rateColour = (bp: number): string => (bp >= 9_500 ? '#389e0d' : bp >= 8_000 ? '#d48806' : '#cf1322');

export default function TimeLimitChart({ bars, height = 260, labels }: TimeLimitChartProps): ReactElement {
  const option = useMemo(
    () => ({
      animation: false,
      grid: { left: 8, right: 12, top: 26, bottom: 4, containLabel: true },
      tooltip: barTooltip(bars, (bar) => bar.rateBp === null ? `${bar.label}<br/>${labels.none}` : `${bar.label} ${(bar.rateBp / 100).toFixed(1)}%<br/>${labels.tooltip(bar)}`),
      xAxis: { type: 'category', data: bars.map((bar) => bar.label), axisTick: { show: false }, axisLabel: { ...AXIS_LABEL, fontSize: 12, interval: 0 } },
      yAxis: { type: 'value', min: 0, max: 100, axisLabel: { ...AXIS_LABEL, formatter: '{value}%' }, splitLine: SPLIT_LINE },
      series: [
        {
          type: 'bar',
          barMaxWidth: 48,
          data: bars.map((bar) => (bar.rateBp === null ? { value: 0, label: { color: '#a0a8b3' } } : { value: bar.rateBp / 100, itemStyle: { color: rateColour(bar.rateBp), borderRadius: [3, 3, 0, 0] } })),
          label: {
            show: true,
            position: 'top',
            fontSize: 11,
            color: '#39424e',
            formatter: (param: { dataIndex: number }) => {
              const bar = bars[param.dataIndex];
              if (!bar) return '';
              return bar.rateBp === null ? '—' : `${(bar.rateBp / 100).toFixed(1)}%`;
            },
          },
        },
      ],
    }),
    [bars, labels],
  );
  const element = useChart(option);
  const summary = bars.map((bar) => `${bar.label} ${bar.rateBp === null ? labels.none : `${(bar.rateBp / 100).toFixed(1)}%`}`).join('；');
  return <div ref={element} style={{ width: '100%', height }} role="img" aria-label={summary} data-testid="quality-limit-chart" />;
}
