import { BarChart, LineChart } from 'echarts/charts'
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components'
import * as echarts from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import { type RefObject, useEffect } from 'react'

echarts.use([LineChart, BarChart, GridComponent, TooltipComponent, LegendComponent, MarkLineComponent, CanvasRenderer])

/** Draws an ECharts option into a box, redrawn when the option changes and resized with the window. */
export function useChart(box: RefObject<HTMLDivElement | null>, option: echarts.EChartsCoreOption | null): void {
  useEffect(() => {
    if (!box.current || !option) return
    const chart = echarts.init(box.current, 'dark')
    chart.setOption({ backgroundColor: 'transparent', animation: false, ...option })
    const resize = () => chart.resize()
    window.addEventListener('resize', resize)
    return () => {
      window.removeEventListener('resize', resize)
      chart.dispose()
    }
  }, [box, option])
}
