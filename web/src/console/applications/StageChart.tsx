/** Open and overdue applications by stage (stacked bars) with the average days each stage took (a line). Load lazily. */
import { useMemo, type ReactElement } from 'react';
import { AXIS_LABEL, SPLIT_LINE, useChart } from '../../shared/useChart';

export interface StageBar {
  label: string;
  open: number;
  overdue: number;
  /** Average days the stage took, or null when none is done yet. */
  averageDays: number | null;
}

export interface StageChartProps {
  bars: StageBar[];
  labels: { open: string; overdue: string; average: string };
  height?: number;
}

export default function StageChart({ bars, labels, height = 300 }: StageChartProps): ReactElement {
  const option = useMemo(
    () => ({
      animation: false,
      grid: { left: 8, right: 12, top: 36, bottom: 4, containLabel: true },
      legend: { top: 0, data: [labels.open, labels.overdue, labels.average], textStyle: { fontSize: 12 } },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true },
      xAxis: { type: 'category', data: bars.map((bar) => bar.label), axisTick: { show: false }, axisLabel: { ...AXIS_LABEL, interval: 0, rotate: bars.length > 8 ? 30 : 0 } },
      yAxis: [
        { type: 'value', minInterval: 1, axisLabel: AXIS_LABEL, splitLine: SPLIT_LINE },
        { type: 'value', axisLabel: { ...AXIS_LABEL, formatter: '{value} d' }, splitLine: { show: false } },
      ],
      series: [
        { name: labels.open, type: 'bar', stack: 'open', barMaxWidth: 36, itemStyle: { color: '#0b6bcb' }, data: bars.map((bar) => bar.open - bar.overdue) },
        { name: labels.overdue, type: 'bar', stack: 'open', barMaxWidth: 36, itemStyle: { color: '#cf1322', borderRadius: [3, 3, 0, 0] }, data: bars.map((bar) => bar.overdue) },
        { name: labels.average, type: 'line', yAxisIndex: 1, symbolSize: 6, itemStyle: { color: '#d48806' }, connectNulls: false, data: bars.map((bar) => bar.averageDays) },
      ],
    }),
    [bars, labels],
  );
  const element = useChart(option);
  return <div ref={element} style={{ width: '100%', height }} data-testid="application-stage-chart" />;
}
