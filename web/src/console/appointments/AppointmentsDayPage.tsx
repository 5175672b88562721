/**
 * 预约登记: the counter's view of a location's day — the places left per slot and the bookings with check-in,
 * move and cancel — and booking for a walk-in customer. A booking number or mobile number finds a person's
 * bookings on any day.
 */
import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, DatePicker, Empty, Flex, Input, Select, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Appointment, AppointmentStatus } from '../../api/types';
import { QueryError } from '../components/QueryError';
import { useSession } from '../session/session';
import { errorMessage } from '../utils/errors';
import { BookModal, CancelModal, MoveModal } from './BookingModals';
import { useArrive, useDayAppointments, useLocations, useSlots } from './hooks';

const STATUS_COLOR: Record<AppointmentStatus, string> = { booked: 'blue', arrived: 'green', cancelled: 'default' };

export function AppointmentsDayPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const locations = useLocations();
  const [chosenLocation, setLocationId] = useState<string | undefined>(undefined);
  const [date, setDate] = useState(dayjs().format('YYYY-MM-DD'));
  const [query, setQuery] = useState('');
  const [booking, setBooking] = useState(false);
  const [moving, setMoving] = useState<Appointment | null>(null);
  const [cancelling, setCancelling] = useState<Appointment | null>(null);
  const locationId = chosenLocation ?? locations.data?.[0]?.id;
  const appointments = useDayAppointments(locationId, date, query);
  const slots = useSlots(query ? undefined : locationId, date);
  const arrive = useArrive();
  const canBook = can('appointment.book');

  const checkIn = async (appointment: Appointment) => {
    try {
      await arrive.mutateAsync({ id: appointment.id, version: appointment.version });
      void message.success(t('appointments.day.arrived'));
    } catch (error) {
      void message.error(errorMessage(error, i18n.language, t('common.unexpectedError')));
    }
  };

  const columns: TableColumnsType<Appointment> = [
    { key: 'time', title: t('appointments.day.columns.time'), width: 150, render: (_, row) => (query ? `${row.date} ` : '') + `${row.from}–${row.to}` },
    { key: 'no', title: t('appointments.day.columns.bookingNo'), width: 130, render: (_, row) => <span className="sw-code">{row.bookingNo}</span> },
    { key: 'business', title: t('appointments.day.columns.business'), width: 130, render: (_, row) => t(`appointments.business.${row.business}`) },
    { key: 'customer', title: t('appointments.day.columns.customer'), render: (_, row) => (query ? `${row.customerName} · ${row.locationName}` : row.customerName) },
    { key: 'phone', title: t('appointments.day.columns.phone'), width: 130, render: (_, row) => row.phoneMasked },
    { key: 'channel', title: t('appointments.day.columns.channel'), width: 110, render: (_, row) => t(`appointments.channel.${row.channel}`) },
    { key: 'status', title: t('appointments.day.columns.status'), width: 90, render: (_, row) => <Tag color={STATUS_COLOR[row.status]}>{t(`appointments.status.${row.status}`)}</Tag> },
    {
      key: 'actions',
      title: t('appointments.day.columns.actions'),
      width: 200,
      render: (_, row) =>
        canBook && row.status === 'booked' ? (
          <Space size={4}>
            {row.date === dayjs().format('YYYY-MM-DD') && (
              <Button size="small" type="primary" onClick={() => void checkIn(row)}>
                {t('appointments.day.arrive')}
              </Button>
            )}
            {row.canChange && (
              <Button size="small" onClick={() => setMoving(row)}>
                {t('appointments.day.move')}
              </Button>
            )}
            {row.canChange && (
              <Button size="small" danger onClick={() => setCancelling(row)}>
                {t('appointments.day.cancel')}
              </Button>
            )}
          </Space>
        ) : null,
    },
  ];

  if (locations.isError) return <QueryError error={locations.error} onRetry={() => void locations.refetch()} />;
  return (
    <Flex vertical gap={16} data-testid="appointments-day-page">
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('appointments.day.title')}
        </Typography.Title>
        {canBook && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setBooking(true)} disabled={!locations.data?.length} data-testid="appointment-book">
            {t('appointments.day.book')}
          </Button>
        )}
      </Flex>
      <Card size="small">
        <Space wrap>
          <Select
            style={{ minWidth: 220 }}
            loading={locations.isPending}
            value={locationId}
            onChange={setLocationId}
            aria-label={t('appointments.day.location')}
            data-testid="appointment-location-select"
            options={(locations.data ?? []).map((location) => ({ value: location.id, label: location.name }))}
          />
          <DatePicker value={dayjs(date)} allowClear={false} onChange={(value) => value && setDate(value.format('YYYY-MM-DD'))} aria-label={t('appointments.day.date')} data-testid="appointment-date" />
          <Input.Search allowClear placeholder={t('appointments.day.search')} onSearch={(value) => setQuery(value.trim())} style={{ width: 220 }} data-testid="appointment-search" />
        </Space>
        {!query && slots.data && (
          <div style={{ marginTop: 12 }} data-testid="appointment-slot-overview">
            <Typography.Text type="secondary">{t('appointments.day.slots')}：</Typography.Text>
            {slots.data.slots.length === 0 ? (
              <Typography.Text type="secondary">{t('appointments.day.noSlots')}</Typography.Text>
            ) : (
              <Flex wrap gap={4} style={{ marginTop: 6 }}>
                {slots.data.slots.map((slot) => (
                  <Tag key={slot.startsAt} color={slot.available === 0 ? 'red' : slot.isExtended ? 'purple' : 'blue'}>
                    {slot.from} · {slot.booked}/{slot.capacity}
                  </Tag>
                ))}
              </Flex>
            )}
          </div>
        )}
      </Card>
      {appointments.isError ? (
        <QueryError error={appointments.error} onRetry={() => void appointments.refetch()} />
      ) : (
        <Table
          rowKey="id"
          size="middle"
          loading={appointments.isPending || locations.isPending}
          columns={columns}
          dataSource={appointments.data ?? []}
          pagination={false}
          locale={{ emptyText: <Empty description={t('appointments.day.empty')} /> }}
          data-testid="appointment-table"
        />
      )}
      {booking && locations.data && <BookModal open={booking} onClose={() => setBooking(false)} locations={locations.data} defaultLocationId={locationId} />}
      <MoveModal appointment={moving} onClose={() => setMoving(null)} locations={locations.data ?? []} />
      <CancelModal appointment={cancelling} onClose={() => setCancelling(null)} />
    </Flex>
  );
}
