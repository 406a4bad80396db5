"use client";
/**
 * The dashboard's charts (Recharts, so client-only). Each takes one point
 * per UTC day; a day without a stored row has null values and shows as a gap
 * rather than a zero. Axes and grid use `currentColor`, so they follow the
 * light and dark themes.
 */
import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";

import { cn } from "@/components/ui/cn";

export interface SeriesSpec {
  key: string;
  label: string;
  color: string;
}

export type ChartPoint = { day: string } & Record<string, number | string | null>;

const shortDate = new Intl.DateTimeFormat("en", { month: "short", day: "numeric", timeZone: "UTC" });
const longDate = new Intl.DateTimeFormat("en", {
  weekday: "short",
  month: "short",
  day: "numeric",
  year: "numeric",
  timeZone: "UTC",
});
const asDate = (day: string) => new Date(`${day}T00:00:00Z`);
export const formatShortDay = (day: string) => shortDate.format(asDate(day));
export const formatLongDay = (day: string) => longDate.format(asDate(day));

const HEIGHT = 240;
const axisProps = {
  stroke: "currentColor",
  strokeOpacity: 0.25,
  tick: { fill: "currentColor", fontSize: 11 },
  tickLine: false,
} as const;

function xAxis() {
  return (
    <XAxis dataKey="day" {...axisProps} tickFormatter={formatShortDay} minTickGap={28} interval="preserveStartEnd" />
  );
}

function yAxis(opts: { unit?: string; domain?: [number, number] } = {}) {
  return (
    <YAxis
      {...axisProps}
      axisLine={false}
      width={opts.unit ? 44 : 36}
      allowDecimals={false}
      domain={opts.domain}
      tickFormatter={(v: number) => `${v}${opts.unit ?? ""}`}
    />
  );
}

const grid = <CartesianGrid stroke="currentColor" strokeOpacity={0.08} vertical={false} />;
// Series order (low → critical, draft → verified), not alphabetical; neutral text so light colours stay readable.
const legend = (
  <Legend
    iconType="circle"
    iconSize={8}
    itemSorter={null}
    wrapperStyle={{ fontSize: 12, paddingTop: 8 }}
    formatter={(value: string) => <span className="text-zinc-600 dark:text-zinc-300">{value}</span>}
  />
);

function tooltip(series: SeriesSpec[], unit = "") {
  return (
    <Tooltip
      cursor={{ fill: "currentColor", fillOpacity: 0.05, stroke: "currentColor", strokeOpacity: 0.2 }}
      content={(props) => (
        <ChartTooltip active={props.active} payload={props.payload} label={props.label} series={series} unit={unit} />
      )}
    />
  );
}

interface ChartTooltipProps {
  active?: boolean;
  payload?: ReadonlyArray<{ payload?: unknown }>;
  label?: string | number;
  series: SeriesSpec[];
  unit: string;
}

function ChartTooltip({ active, payload, label, series, unit }: ChartTooltipProps) {
  if (!active || !payload?.length || typeof label !== "string") return null;
  const point = payload[0]?.payload as ChartPoint | undefined;
  return (
    <div className="min-w-40 rounded-md border border-zinc-200 bg-white px-3 py-2 text-xs shadow-md dark:border-zinc-700 dark:bg-zinc-900">
      <p className="mb-1.5 font-medium text-zinc-900 dark:text-zinc-50">{formatLongDay(label)}</p>
      {point && series.every((s) => point[s.key] === null || point[s.key] === undefined) ? (
        <p className="text-zinc-500 dark:text-zinc-400">Not computed for this day</p>
      ) : (
        <ul className="space-y-0.5">
          {[...series].reverse().map((s) => (
            <li key={s.key} className="flex items-center justify-between gap-4">
              <span className="flex items-center gap-1.5 text-zinc-600 dark:text-zinc-300">
                <span aria-hidden="true" className="size-2 rounded-full" style={{ background: s.color }} />
                {s.label}
              </span>
              <span className="font-medium text-zinc-900 tabular-nums dark:text-zinc-50">
                {point?.[s.key] === null || point?.[s.key] === undefined ? "—" : `${point[s.key]}${unit}`}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A card around one chart, with a title, a one-line summary and an empty state. */
export function ChartCard({
  title,
  summary,
  empty,
  emptyText,
  children,
  testId,
  className,
}: {
  title: string;
  summary?: React.ReactNode;
  empty: boolean;
  emptyText: string;
  children: React.ReactNode;
  testId: string;
  className?: string;
}) {
  return (
    <section
      aria-label={title}
      data-testid={testId}
      className={cn(
        "min-w-0 rounded-lg border border-zinc-200 bg-white p-4 shadow-xs dark:border-zinc-800 dark:bg-zinc-900",
        className,
      )}
    >
      <div className="mb-3 flex flex-wrap items-baseline justify-between gap-x-3 gap-y-1">
        <h2 className="text-sm font-semibold text-zinc-900 dark:text-zinc-50">{title}</h2>
        {summary ? <p className="text-xs text-zinc-500 dark:text-zinc-400">{summary}</p> : null}
      </div>
      {empty ? (
        <div
          className="flex items-center justify-center rounded-md border border-dashed border-zinc-200 text-sm text-zinc-500 dark:border-zinc-800 dark:text-zinc-400"
          style={{ height: HEIGHT }}
        >
          {emptyText}
        </div>
      ) : (
        <div className="text-zinc-500 dark:text-zinc-400" style={{ height: HEIGHT }}>
          {children}
        </div>
      )}
    </section>
  );
}

/** Days of `data` with a value for any of `series` (a day not computed is a gap, not a zero). */
export function daysWithData(data: ChartPoint[], series: SeriesSpec[]): number {
  return data.filter((d) => series.some((s) => d[s.key] !== null && d[s.key] !== undefined)).length;
}

export function StackedAreaChart({ data, series }: { data: ChartPoint[]; series: SeriesSpec[] }) {
  // An area needs two days to have a surface: until then the day's numbers stand as one stacked bar.
  if (daysWithData(data, series) < 2) return <DailyBarChart data={data} series={series} stacked />;
  return (
    <ResponsiveContainer width="100%" height="100%">
      <AreaChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
        {grid}
        {xAxis()}
        {yAxis()}
        {tooltip(series)}
        {legend}
        {series.map((s) => (
          <Area
            key={s.key}
            type="monotone"
            dataKey={s.key}
            name={s.label}
            stackId="1"
            stroke={s.color}
            fill={s.color}
            fillOpacity={0.55}
            strokeWidth={1.5}
            isAnimationActive={false}
          />
        ))}
      </AreaChart>
    </ResponsiveContainer>
  );
}

export function DailyBarChart({
  data,
  series,
  stacked = false,
}: {
  data: ChartPoint[];
  series: SeriesSpec[];
  /** One bar a day with the series on top of each other (a snapshot), rather than side by side (counts). */
  stacked?: boolean;
}) {
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: 0 }} barGap={1} barCategoryGap="20%">
        {grid}
        {xAxis()}
        {yAxis()}
        {tooltip(series)}
        {series.length > 1 ? legend : null}
        {series.map((s) => (
          <Bar
            key={s.key}
            dataKey={s.key}
            name={s.label}
            fill={s.color}
            stackId={stacked ? "1" : undefined}
            radius={stacked ? 0 : [2, 2, 0, 0]}
            maxBarSize={stacked ? 28 : 14}
            isAnimationActive={false}
          />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}

export function PercentLineChart({ data, series }: { data: ChartPoint[]; series: SeriesSpec[] }) {
  // Dots while there are few points, so a single stored day is still visible.
  const points = daysWithData(data, series);
  return (
    <ResponsiveContainer width="100%" height="100%">
      <LineChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
        {grid}
        {xAxis()}
        {yAxis({ unit: "%", domain: [0, 100] })}
        {tooltip(series, "%")}
        {series.map((s) => (
          <Line
            key={s.key}
            type="monotone"
            dataKey={s.key}
            name={s.label}
            stroke={s.color}
            strokeWidth={2}
            dot={points <= 31 ? { r: 2.5, fill: s.color } : false}
            activeDot={{ r: 4 }}
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
}
