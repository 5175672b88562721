/**
 * 工作日历 in the settings form: the working hours of a day, and the public holidays and adjusted working
 * days (调休) of each year. Rendered inside the settings page's form (fields under `calendar`).
 */
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, DatePicker, Empty, Flex, Form, Popconfirm, Segmented, Space, Tag, TimePicker, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';

const toTime = (value: string | undefined): Dayjs | null => {
  const match = value ? /^(\d{2}):(\d{2})$/.exec(value) : null;
  return match ? dayjs().startOf('day').hour(Number(match[1])).minute(Number(match[2])) : null;
};

/** Every date from one day to another (inclusive), as YYYY-MM-DD. */
function datesBetween(from: Dayjs, to: Dayjs): string[] {
  const dates: string[] = [];
  for (let day = from.startOf('day'); !day.isAfter(to, 'day') && dates.length < 400; day = day.add(1, 'day')) dates.push(day.format('YYYY-MM-DD'));
  return dates;
}

/** The dates of one list (holidays or adjusted working days), a year at a time. */
function YearDates({ value = [], onChange, year, testId }: { value?: string[]; onChange?: (dates: string[]) => void; year: number; testId: string }) {
  const { t } = useTranslation();
  const inYear = value.filter((date) => date.startsWith(`${year}-`));
  const set = (dates: string[]) => onChange?.([...new Set(dates)].sort());
  return (
    <Flex vertical gap={8} data-testid={testId}>
      {inYear.length === 0 ? (
        <Typography.Text type="secondary">{t('settingsCalendar.none', { year })}</Typography.Text>
      ) : (
        <Flex wrap gap={4}>
          {inYear.map((date) => (
            <Tag
              key={date}
              closable
              closeIcon={<span aria-label={t('settingsCalendar.removeDate', { date })}>×</span>}
              onClose={(event) => {
                event.preventDefault();
                set(value.filter((item) => item !== date));
              }}
              style={{ marginInlineEnd: 0 }}
            >
              {date.slice(5)} {t(`settingsCalendar.weekday.${dayjs(date).day()}`)}
            </Tag>
          ))}
        </Flex>
      )}
      <Space wrap>
        <DatePicker.RangePicker
          size="small"
          placeholder={[t('settingsCalendar.from'), t('settingsCalendar.to')]}
          minDate={dayjs(`${year}-01-01`)}
          maxDate={dayjs(`${year}-12-31`)}
          defaultPickerValue={[dayjs(`${year}-01-01`), dayjs(`${year}-01-01`)]}
          value={null}
          onChange={(range) => {
            if (range?.[0] && range[1]) set([...value, ...datesBetween(range[0], range[1])]);
          }}
          aria-label={t('settingsCalendar.addDates')}
        />
        {inYear.length > 0 && (
          <Popconfirm title={t('settingsCalendar.clearYear', { year })} onConfirm={() => set(value.filter((date) => !date.startsWith(`${year}-`)))}>
            <Button size="small" type="text" danger icon={<DeleteOutlined />}>
              {t('settingsCalendar.clearYear', { year })}
            </Button>
          </Popconfirm>
        )}
      </Space>
    </Flex>
  );
}

export function CalendarSettingsCard() {
  const { t } = useTranslation();
  const form = Form.useFormInstance();
  const holidays = Form.useWatch<string[] | undefined>(['calendar', 'holidays'], form);
  const workdays = Form.useWatch<string[] | undefined>(['calendar', 'workdays'], form);
  const thisYear = dayjs().year();
  // The years that have dates, and this year and the next, so a newly published year can be added.
  const years = useMemo(
    () => [...new Set([...(holidays ?? []), ...(workdays ?? [])].map((date) => Number(date.slice(0, 4))).concat(thisYear, thisYear + 1))].sort((a, b) => a - b),
    [holidays, workdays, thisYear],
  );
  const [year, setYear] = useState(thisYear);
  const count = (list: string[] | undefined) => (list ?? []).filter((date) => date.startsWith(`${year}-`)).length;
  return (
    <Card title={t('settingsCalendar.title')} style={{ marginTop: 16 }} data-testid="settings-calendar">
      <Typography.Paragraph type="secondary">{t('settingsCalendar.help')}</Typography.Paragraph>
      <Form.Item label={t('settingsCalendar.workingHours')} extra={t('settingsCalendar.workingHoursHelp')} required>
        <Form.List name={['calendar', 'workingHours']}>
          {(fields, { add, remove }) => (
            <Flex vertical gap={8}>
              {fields.map((field) => (
                <Space key={field.key} align="baseline" wrap>
                  <Form.Item
                    name={[field.name, 'from']}
                    noStyle
                    rules={[{ required: true, message: t('settingsCalendar.spanRequired') }]}
                    getValueProps={(value: string | undefined) => ({ value: toTime(value) })}
                    normalize={(value: Dayjs | null) => value?.format('HH:mm')}
                  >
                    <TimePicker format="HH:mm" minuteStep={5} needConfirm={false} placeholder={t('settingsCalendar.from')} />
                  </Form.Item>
                  <span>–</span>
                  <Form.Item
                    name={[field.name, 'to']}
                    noStyle
                    rules={[{ required: true, message: t('settingsCalendar.spanRequired') }]}
                    getValueProps={(value: string | undefined) => ({ value: toTime(value) })}
                    normalize={(value: Dayjs | null) => value?.format('HH:mm')}
                  >
                    <TimePicker format="HH:mm" minuteStep={5} needConfirm={false} placeholder={t('settingsCalendar.to')} />
                  </Form.Item>
                  {fields.length > 1 && <Button type="text" danger icon={<DeleteOutlined />} aria-label={t('settingsCalendar.removeSpan')} onClick={() => remove(field.name)} />}
                </Space>
              ))}
              {fields.length < 4 && (
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ from: '13:30', to: '17:30' })} style={{ width: 200 }}>
                  {t('settingsCalendar.addSpan')}
                </Button>
              )}
            </Flex>
          )}
        </Form.List>
      </Form.Item>
      <Segmented
        value={year}
        onChange={(value) => setYear(Number(value))}
        options={years.map((item) => ({ value: item, label: t('settingsCalendar.year', { year: item }) }))}
        style={{ marginBottom: 12 }}
        data-testid="settings-calendar-year"
      />
      {count(holidays) === 0 && count(workdays) === 0 && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('settingsCalendar.none', { year })} style={{ margin: '0 0 12px' }} />}
      <Form.Item name={['calendar', 'holidays']} label={`${t('settingsCalendar.holidays')} · ${t('settingsCalendar.count', { count: count(holidays) })}`} extra={t('settingsCalendar.holidaysHelp')}>
        <YearDates year={year} testId="settings-calendar-holidays" />
      </Form.Item>
      <Form.Item name={['calendar', 'workdays']} label={`${t('settingsCalendar.workdays')} · ${t('settingsCalendar.count', { count: count(workdays) })}`} extra={t('settingsCalendar.workdaysHelp')}>
        <YearDates year={year} testId="settings-calendar-workdays" />
      </Form.Item>
    </Card>
  );
}
