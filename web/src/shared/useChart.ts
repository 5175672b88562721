/**
 * The charts of both apps (dashboards, arrears by age, usage by month): only what they need is taken from
 * echarts/core (bars, lines, grid, tooltip, legend, SVG renderer); modules importing this are loaded lazily.
 */
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef, type RefObject } from 'react';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

export type ChartOption = Parameters<echarts.ECharts['setOption']>[0];

/** A chart in the returned element, redrawn when `option` changes (memoise it) and resized with its box. */
export function useChart(option: ChartOption): RefObject<HTMLDivElement | null> {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    if (!element.current) return undefined;
    const instance = echarts.init(element.current, undefined, { renderer: 'svg' });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(element.current);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, true);
  }, [option]);

  return element;
}

export const AXIS_LABEL = { fontSize: 11, color: '#5f6b7a' };
export const SPLIT_LINE = { lineStyle: { color: '#e6ebf1' } };

/** The tooltip of a bar chart: the hovered bar's item, described by `describe` (HTML; '' for none). */
export function barTooltip<Item>(items: readonly Item[], describe: (item: Item) => string) {
  return {
    trigger: 'axis' as const,
    axisPointer: { type: 'shadow' as const },
    confine: true,
    formatter: (params: unknown) => {
      const [first] = params as { dataIndex: number }[];
      const item = items[first?.dataIndex ?? 0];
      return item === undefined ? '' : describe(item);
    },
  };
}
