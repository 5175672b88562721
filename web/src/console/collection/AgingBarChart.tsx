/**
 * Overdue principal per age bucket as bars (yuan), with the number of accounts in the tooltip; drawn through
 * useChart. Load this module lazily.
 */
import { useMemo, type ReactElement } from 'react';
import { formatYuan } from '../../shared/money';
import { barTooltip, useChart, type ChartOption } from '../../shared/useChart';

export interface AgingBar {
  label: string;
  overdueFen: number;
  accounts: number;
}

export interface AgingBarChartProps {
  bars: AgingBar[];
  height?: number;
  labels: { unit: string; accounts: (count: number) => string };
}

// Older debt is more urgent: from amber to deep red.
const COLOURS = ['#f0b34a', '#e8853d', '#d4502f', '#a8071a'];

/** Yuan without the fen for the axis and bar labels ("12,345"). */
const wholeYuan = (fen: number): string => formatYuan(fen - (fen % 100)).replace(/\.00$/, '');

export default function AgingBarChart({ bars, height = 220, labels }: AgingBarChartProps): ReactElement {
  const option = useMemo<ChartOption>(
    () => ({
      animation: false,
      grid: { left: 8, right: 12, top: 26, bottom: 4, containLabel: true },
      tooltip: barTooltip(bars, (bar) => `${bar.label}<br/>¥${formatYuan(bar.overdueFen)}<br/>${labels.accounts(bar.accounts)}`),
      xAxis: {
        type: 'category',
        data: bars.map((bar) => bar.label),
        axisTick: { show: false },
        axisLabel: { fontSize: 12, color: '#5f6b7a', interval: 0 },
      },
      yAxis: {
        type: 'value',
        name: labels.unit,
        nameTextStyle: { fontSize: 11, color: '#5f6b7a', align: 'right' },
        axisLabel: { fontSize: 11, color: '#5f6b7a', formatter: (value: number) => wholeYuan(Math.round(value * 100)) },
        splitLine: { lineStyle: { color: '#e6ebf1' } },
      },
      series: [
        {
          type: 'bar',
          barMaxWidth: 56,
          data: bars.map((bar, index) => ({
            // Plotted in yuan; the exact amount is in the tooltip.
            value: bar.overdueFen / 100,
            itemStyle: { color: COLOURS[index % COLOURS.length], borderRadius: [3, 3, 0, 0] },
          })),
          label: {
            show: true,
            position: 'top',
            fontSize: 11,
            color: '#39424e',
            formatter: (param: { dataIndex: number }) => {
              const bar = bars[param.dataIndex];
              return bar && bar.overdueFen > 0 ? `¥${wholeYuan(bar.overdueFen)}` : '';
            },
          },
        },
      ],
    }),
    [bars, labels],
  );
  const element = useChart(option);

  return <div ref={element} style={{ width: '100%', height }} role="img" aria-label={bars.map((bar) => `${bar.label} ¥${formatYuan(bar.overdueFen)}`).join('；')} data-testid="aging-chart" />;
}
