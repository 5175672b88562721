/**
 * The 12-month usage bar chart of both apps, drawn through useChart (only the parts of echarts the charts
 * need), so the portal's chunk stays small; load this module lazily.
 */
import { useMemo, type ReactElement } from 'react';
import { formatCubicMetres } from './money';
import { barTooltip, useChart, type ChartOption } from './useChart';

export interface UsageBar {
  period: string;
  consumptionLitres: number | null;
  isEstimated: boolean;
}

export interface UsageBarChartProps {
  points: UsageBar[];
  /** The period drawn in full colour (e.g. the bill being looked at). */
  highlight?: string | null;
  height?: number;
  /** Text for the tooltip: month label, value line, "estimated" mark, "no bill". */
  labels: { month: (period: string) => string; unit: string; estimated: string; noBill: string };
  compact?: boolean;
}

const BLUE = '#0b6bcb';
const LIGHT = '#8dbbe8';
const ESTIMATED = '#f0b34a';

/** m³ with trailing zeros dropped, for bar labels ("12.5", "0"). */
const shortCubicMetres = (litres: number): string => formatCubicMetres(litres).replace(/\.?0+$/, '') || '0';

export default function UsageBarChart({ points, highlight, height = 240, labels, compact = false }: UsageBarChartProps): ReactElement {
  const option = useMemo<ChartOption>(() => {
    const latest = highlight ?? [...points].reverse().find((point) => point.consumptionLitres !== null)?.period ?? null;
    return {
      animation: false,
      grid: { left: compact ? 34 : 44, right: 8, top: 22, bottom: compact ? 22 : 26 },
      tooltip: barTooltip(points, (point) => {
        const value = point.consumptionLitres === null ? labels.noBill : `${formatCubicMetres(point.consumptionLitres)} ${labels.unit}`;
        return `${labels.month(point.period)}<br/>${value}${point.isEstimated ? `（${labels.estimated}）` : ''}`;
      }),
      xAxis: {
        type: 'category',
        data: points.map((point) => labels.month(point.period)),
        axisTick: { show: false },
        axisLabel: { fontSize: compact ? 10 : 12, color: '#5f6b7a', interval: compact ? 1 : 0 },
      },
      yAxis: {
        type: 'value',
        name: labels.unit,
        nameTextStyle: { fontSize: 11, color: '#5f6b7a', align: 'right' },
        axisLabel: { fontSize: 11, color: '#5f6b7a' },
        splitLine: { lineStyle: { color: '#e6ebf1' } },
        minInterval: 1,
      },
      series: [
        {
          type: 'bar',
          barMaxWidth: compact ? 16 : 28,
          data: points.map((point) => ({
            // Plotted in m³; the exact value (litres) is in the tooltip and the label.
            value: point.consumptionLitres === null ? null : point.consumptionLitres / 1000,
            itemStyle: { color: point.period === latest ? BLUE : point.isEstimated ? ESTIMATED : LIGHT, borderRadius: [3, 3, 0, 0] },
          })),
          label: {
            show: !compact,
            position: 'top',
            fontSize: 11,
            color: '#5f6b7a',
            formatter: (param: { dataIndex: number }) => {
              const litres = points[param.dataIndex]?.consumptionLitres;
              return litres === null || litres === undefined ? '' : shortCubicMetres(litres);
            },
          },
        },
      ],
    };
  }, [points, highlight, labels, compact]);
  const element = useChart(option);

  return <div ref={element} style={{ width: '100%', height }} role="img" aria-label={labels.unit} data-testid="usage-chart" />;
}
