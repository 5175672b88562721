/**
 * The period day by day: requests made and closed as bars; on-time rate, answer rate and satisfied rate as
 * lines on a percent axis (a day with nothing to rate leaves a gap). Load lazily.
 */
import { useMemo, type ReactElement } from 'react';
import type { QualityDay } from '../../api/types';
import { AXIS_LABEL, SPLIT_LINE, useChart } from '../../shared/useChart';

export interface TrendChartProps {
  days: QualityDay[];
  height?: number;
  labels: { created: string; closed: string; onTime: string; answerRate: string; satisfied: string; count: string };
}

const asPercent = (bp: number | null): number | null => (bp === null ? null : bp / 100);
const percentTooltip = { valueFormatter: (value: unknown) => (typeof value === 'number' ? `${value.toFixed(1)}%` : '—') };

export default function TrendChart({ days, height = 300, labels }: TrendChartProps): ReactElement {
  const option = useMemo(
    () => ({
      animation: false,
      color: ['#91caff', '#1677ff', '#52c41a', '#fa8c16', '#eb2f96'],
      legend: { top: 0, itemWidth: 14, itemHeight: 8, textStyle: { fontSize: 12 } },
      grid: { left: 8, right: 8, top: 36, bottom: 4, containLabel: true },
      tooltip: {
        trigger: 'axis',
        confine: true,
        valueFormatter: (value: unknown) => (typeof value === 'number' ? String(value) : '—'),
      },
      xAxis: { type: 'category', data: days.map((day) => day.date.slice(5)), axisTick: { show: false }, axisLabel: AXIS_LABEL },
      yAxis: [
        { type: 'value', name: labels.count, minInterval: 1, nameTextStyle: { ...AXIS_LABEL, align: 'left' }, axisLabel: AXIS_LABEL, splitLine: SPLIT_LINE },
        { type: 'value', min: 0, max: 100, axisLabel: { ...AXIS_LABEL, formatter: '{value}%' }, splitLine: { show: false } },
      ],
      series: [
        { name: labels.created, type: 'bar', barMaxWidth: 14, data: days.map((day) => day.created) },
        { name: labels.closed, type: 'bar', barMaxWidth: 14, data: days.map((day) => day.closed) },
        { name: labels.onTime, type: 'line', yAxisIndex: 1, symbolSize: 5, tooltip: percentTooltip, data: days.map((day) => asPercent(day.deadlines.onTimeRateBp)) },
        { name: labels.answerRate, type: 'line', yAxisIndex: 1, symbolSize: 5, tooltip: percentTooltip, data: days.map((day) => asPercent(day.calls.answerRateBp)) },
        { name: labels.satisfied, type: 'line', yAxisIndex: 1, symbolSize: 5, tooltip: percentTooltip, data: days.map((day) => asPercent(day.satisfaction.satisfiedRateBp)) },
      ],
    }),
    [days, labels],
  );
  const element = useChart(option);
  return <div ref={element} style={{ width: '100%', height }} role="img" aria-label={labels.onTime} data-testid="quality-trend-chart" />;
}
