/**
 * 预约网点: the administrator's settings of the locations taking appointments — which service hall or
 * government service centre window, business handled, opening hours per weekday (several spans a day for
 * staggered hours; evenings and weekends for extended service), slot length, places, booking window,
 * holiday duty — and dates with other hours (closures, special openings).
 */
import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Checkbox, DatePicker, Descriptions, Empty, Flex, Form, Input, InputNumber, Modal, Radio, Select, Space, Switch, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppointmentBusiness, AppointmentLocation, TimeSpan, WeeklyHours } from '../../api/types';
import { QueryError } from '../components/QueryError';
import { applyFieldErrors, errorMessage } from '../utils/errors';
import { useCreateLocation, useHalls, useLocations, useRemoveOverride, useSetOverride, useUpdateLocation, type NewLocation } from './hooks';

const DAYS = ['1', '2', '3', '4', '5', '6', '7'] as const;
const BUSINESSES: AppointmentBusiness[] = ['new_connection', 'holder_change', 'category_change', 'meter_calibration', 'meter_removal', 'billing', 'consultation'];
const SPANS = /^\s*(\d{2}:\d{2})\s*[-–~]\s*(\d{2}:\d{2})\s*$/;

/** "08:30-12:00, 13:30-20:00" ↔ spans. */
const spansText = (spans: TimeSpan[]) => spans.map((span) => `${span.from}-${span.to}`).join(', ');
function parseSpans(text: string | undefined): TimeSpan[] | null {
  if (!text?.trim()) return [];
  const spans: TimeSpan[] = [];
  for (const part of text.split(/[,，;；]/)) {
    const match = SPANS.exec(part);
    if (!match) return null;
    spans.push({ from: match[1] as string, to: match[2] as string });
  }
  return spans;
}

interface RuleValues {
  businesses: AppointmentBusiness[];
  hours: Record<(typeof DAYS)[number], string>;
  slotMinutes: number;
  capacity: number;
  bookingDays: number;
  isOpenOnHolidays: boolean;
  isActive?: boolean;
  hallMode?: 'new' | 'existing';
  hallId?: string;
  hall?: { name: string; address: string; phone?: string; type: 'service_hall' | 'government_centre' };
}

function LocationModal({ location, onClose }: { location: AppointmentLocation | 'new'; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<RuleValues>();
  const create = useCreateLocation();
  const update = useUpdateLocation();
  const halls = useHalls();
  const locations = useLocations();
  const hallMode = Form.useWatch('hallMode', form);
  const isNew = location === 'new';
  const initial: Partial<RuleValues> = isNew
    ? { businesses: ['billing', 'consultation'], hours: { '1': '08:30-17:30', '2': '08:30-17:30', '3': '08:30-17:30', '4': '08:30-17:30', '5': '08:30-17:30', '6': '', '7': '' }, slotMinutes: 30, capacity: 3, bookingDays: 14, isOpenOnHolidays: false, hallMode: 'new', hall: { name: '', address: '', type: 'service_hall' } }
    : { businesses: location.businesses, hours: Object.fromEntries(DAYS.map((day) => [day, spansText(location.weeklyHours[day])])) as RuleValues['hours'], slotMinutes: location.slotMinutes, capacity: location.capacity, bookingDays: location.bookingDays, isOpenOnHolidays: location.isOpenOnHolidays, isActive: location.isActive };
  const taken = new Set((locations.data ?? []).map((item) => item.id));

  const submit = async () => {
    const values = await form.validateFields();
    const weeklyHours = Object.fromEntries(DAYS.map((day) => [day, parseSpans(values.hours[day]) ?? []])) as WeeklyHours;
    const rules = { businesses: values.businesses, weeklyHours, slotMinutes: values.slotMinutes, capacity: values.capacity, bookingDays: values.bookingDays, isOpenOnHolidays: values.isOpenOnHolidays };
    try {
      if (isNew) {
        const body: NewLocation =
          values.hallMode === 'existing'
            ? { ...rules, hallId: values.hallId as string }
            : { ...rules, hall: { name: values.hall?.name.trim() ?? '', address: values.hall?.address.trim() ?? '', phone: values.hall?.phone?.trim() || null, type: values.hall?.type ?? 'service_hall' } };
        await create.mutateAsync(body);
      } else {
        await update.mutateAsync({ id: location.id, version: location.version, ...rules, isActive: values.isActive ?? true });
      }
      void message.success(t('appointments.locations.saved'));
      onClose();
    } catch (error) {
      applyFieldErrors(form, error, i18n.language, (field) => {
        const weekday = /^weeklyHours\.(\d)/.exec(field);
        return weekday ? ['hours', weekday[1] as string] : field.split('.');
      });
      void message.error(errorMessage(error, i18n.language, t('common.unexpectedError')));
    }
  };

  return (
    <Modal open width={640} title={isNew ? t('appointments.locations.add') : `${location.name} · ${t('appointments.locations.edit')}`} onCancel={onClose} onOk={() => void submit()} okText={t('appointments.form.submit')} confirmLoading={create.isPending || update.isPending} destroyOnHidden data-testid="appointment-location-modal">
      <Form form={form} layout="vertical" initialValues={initial} preserve={false}>
        {isNew && (
          <>
            <Form.Item name="hallMode" label={t('appointments.locations.hallMode')}>
              <Radio.Group options={[{ value: 'new', label: t('appointments.locations.newHall') }, { value: 'existing', label: t('appointments.locations.existingHall') }]} />
            </Form.Item>
            {hallMode === 'existing' ? (
              <Form.Item name="hallId" label={t('appointments.locations.hall')} rules={[{ required: true, message: t('appointments.form.required') }]}>
                <Select loading={halls.isPending} options={(halls.data ?? []).filter((hall) => !taken.has(hall.id)).map((hall) => ({ value: hall.id, label: hall.name }))} />
              </Form.Item>
            ) : (
              <Space.Compact block style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 8 }}>
                <Form.Item name={['hall', 'name']} label={t('appointments.locations.name')} rules={[{ required: true, whitespace: true, message: t('appointments.form.required') }]}>
                  <Input maxLength={60} />
                </Form.Item>
                <Form.Item name={['hall', 'type']} label={t('appointments.locations.type')}>
                  <Select options={(['service_hall', 'government_centre'] as const).map((value) => ({ value, label: t(`appointments.type.${value}`) }))} />
                </Form.Item>
                <Form.Item name={['hall', 'address']} label={t('appointments.locations.address')} rules={[{ required: true, whitespace: true, message: t('appointments.form.required') }]}>
                  <Input maxLength={200} />
                </Form.Item>
                <Form.Item name={['hall', 'phone']} label={t('appointments.locations.phone')}>
                  <Input maxLength={30} />
                </Form.Item>
              </Space.Compact>
            )}
          </>
        )}
        <Form.Item name="businesses" label={t('appointments.locations.businesses')} rules={[{ required: true, message: t('appointments.form.required') }]}>
          <Checkbox.Group options={BUSINESSES.map((value) => ({ value, label: t(`appointments.business.${value}`) }))} />
        </Form.Item>
        <Typography.Text strong>{t('appointments.locations.hours')}</Typography.Text>
        <div style={{ display: 'grid', gridTemplateColumns: 'repeat(2, 1fr)', columnGap: 12, marginTop: 8 }}>
          {DAYS.map((day) => (
            <Form.Item
              key={day}
              name={['hours', day]}
              label={t(`appointments.weekdays.${day}`)}
              rules={[{ validator: (_rule, value: string | undefined) => (parseSpans(value) ? Promise.resolve() : Promise.reject(new Error('08:30-12:00, 13:30-20:00'))) }]}
            >
              <Input placeholder={`08:30-12:00, 13:30-20:00 · ${t('appointments.locations.closed')}`} data-testid={`appointment-hours-${day}`} />
            </Form.Item>
          ))}
        </div>
        <Space wrap size={16}>
          <Form.Item name="slotMinutes" label={t('appointments.locations.slotMinutes')} rules={[{ required: true }]}>
            <InputNumber min={5} max={240} step={5} />
          </Form.Item>
          <Form.Item name="capacity" label={t('appointments.locations.capacity')} rules={[{ required: true }]}>
            <InputNumber min={1} max={500} />
          </Form.Item>
          <Form.Item name="bookingDays" label={t('appointments.locations.bookingDays')} rules={[{ required: true }]}>
            <InputNumber min={1} max={90} />
          </Form.Item>
        </Space>
        <Form.Item name="isOpenOnHolidays" valuePropName="checked">
          <Checkbox>{t('appointments.locations.holidayDuty')}</Checkbox>
        </Form.Item>
        {!isNew && (
          <Form.Item name="isActive" label={t('appointments.locations.active')} valuePropName="checked">
            <Switch />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

function Overrides({ location }: { location: AppointmentLocation }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const setOverride = useSetOverride();
  const remove = useRemoveOverride();
  const [date, setDate] = useState<Dayjs | null>(null);
  const [hours, setHours] = useState('');
  const [note, setNote] = useState('');
  const add = async () => {
    const spans = parseSpans(hours);
    if (!date || !spans) return;
    try {
      await setOverride.mutateAsync({ id: location.id, date: date.format('YYYY-MM-DD'), spans, note: note.trim() });
      setDate(null);
      setHours('');
      setNote('');
    } catch (error) {
      void message.error(errorMessage(error, i18n.language, t('common.unexpectedError')));
    }
  };
  return (
    <Flex vertical gap={6}>
      {location.overrides.map((override) => (
        <Space key={override.date}>
          <Tag>{override.date}</Tag>
          <span>{override.spans.length ? spansText(override.spans) : t('appointments.locations.closed')}</span>
          <Typography.Text type="secondary">{override.note}</Typography.Text>
          <Button size="small" type="link" danger onClick={() => void remove.mutateAsync({ id: location.id, date: override.date })}>
            {t('appointments.locations.removeOverride')}
          </Button>
        </Space>
      ))}
      <Space wrap>
        <DatePicker value={date} onChange={setDate} placeholder={t('appointments.locations.overrideDate')} />
        <Input value={hours} onChange={(event) => setHours(event.target.value)} placeholder={t('appointments.locations.overrideSpans')} status={parseSpans(hours) ? undefined : 'error'} style={{ width: 200 }} />
        <Input value={note} onChange={(event) => setNote(event.target.value)} placeholder={t('appointments.locations.overrideNote')} maxLength={200} style={{ width: 160 }} />
        <Button onClick={() => void add()} disabled={!date || !parseSpans(hours)} loading={setOverride.isPending}>
          {t('appointments.locations.addOverride')}
        </Button>
      </Space>
    </Flex>
  );
}

export function LocationsPage() {
  const { t } = useTranslation();
  const locations = useLocations();
  const [editing, setEditing] = useState<AppointmentLocation | 'new' | null>(null);
  if (locations.isError) return <QueryError error={locations.error} onRetry={() => void locations.refetch()} />;
  return (
    <Flex vertical gap={16} data-testid="appointment-locations-page">
      <Flex justify="space-between" align="center">
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('appointments.locations.title')}
        </Typography.Title>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="appointment-location-add">
          {t('appointments.locations.add')}
        </Button>
      </Flex>
      {locations.isPending ? (
        <Card loading />
      ) : locations.data.length === 0 ? (
        <Empty description={t('appointments.locations.empty')} />
      ) : (
        locations.data.map((location) => (
          <Card
            key={location.id}
            data-testid="appointment-location-card"
            title={
              <Space wrap>
                <span>{location.name}</span>
                <Tag color={location.type === 'government_centre' ? 'gold' : 'blue'}>{t(`appointments.type.${location.type}`)}</Tag>
                {location.hasExtendedHours && <Tag color="purple">{t('appointments.locations.extended')}</Tag>}
                {!location.isActive && <Tag color="red">{t('appointments.locations.paused')}</Tag>}
              </Space>
            }
            extra={<Button onClick={() => setEditing(location)}>{t('appointments.locations.edit')}</Button>}
          >
            <Descriptions size="small" column={{ xs: 1, md: 2 }}>
              <Descriptions.Item label={t('appointments.locations.address')}>{location.address}</Descriptions.Item>
              <Descriptions.Item label={t('appointments.locations.businesses')}>{location.businesses.map((business) => t(`appointments.business.${business}`)).join('、')}</Descriptions.Item>
              <Descriptions.Item label={t('appointments.locations.hours')} span={2}>
                <Flex wrap gap={4}>
                  {DAYS.map((day) => (
                    <Tag key={day} color={location.weeklyHours[day].length ? undefined : 'default'}>
                      {t(`appointments.weekdays.${day}`)} {location.weeklyHours[day].length ? spansText(location.weeklyHours[day]) : t('appointments.locations.closed')}
                    </Tag>
                  ))}
                </Flex>
              </Descriptions.Item>
              <Descriptions.Item label={t('appointments.locations.slotMinutes')}>{location.slotMinutes}</Descriptions.Item>
              <Descriptions.Item label={t('appointments.locations.capacity')}>{location.capacity}</Descriptions.Item>
              <Descriptions.Item label={t('appointments.locations.bookingDays')}>{location.bookingDays}</Descriptions.Item>
              <Descriptions.Item label={t('appointments.locations.holidayDuty')}>{location.isOpenOnHolidays ? '✓' : '—'}</Descriptions.Item>
              <Descriptions.Item label={t('appointments.locations.overrides')} span={2}>
                <Overrides location={location} />
              </Descriptions.Item>
            </Descriptions>
          </Card>
        ))
      )}
      {editing && <LocationModal location={editing} onClose={() => setEditing(null)} />}
    </Flex>
  );
}
