/** The counter's forms: book for a walk-in or phoned-in customer, move a booking, cancel one. */
import { App, DatePicker, Form, Input, Modal, Select } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Appointment, AppointmentBusiness, AppointmentLocation } from '../../api/types';
import { applyFieldErrors, errorMessage } from '../utils/errors';
import { useBook, useCancel, useMove, useSlots } from './hooks';

const BUSINESSES: AppointmentBusiness[] = ['new_connection', 'holder_change', 'category_change', 'meter_calibration', 'meter_removal', 'billing', 'consultation'];

/** The slots of a day as options; full and past ones disabled. */
function SlotSelect({ id, locationId, date, value, onChange }: { id?: string; locationId: string | undefined; date: string | null; value?: string; onChange?: (value: string) => void }) {
  const { t } = useTranslation();
  const slots = useSlots(locationId, date);
  return (
    <Select
      id={id}
      value={value}
      onChange={onChange}
      loading={slots.isFetching}
      data-testid="appointment-slot-select"
      notFoundContent={slots.data ? t('appointments.day.noSlots') : null}
      options={(slots.data?.slots ?? []).map((slot) => ({
        value: slot.startsAt,
        disabled: slot.available === 0 || slot.isPast,
        label: t(slot.available === 0 ? 'appointments.form.slotFull' : 'appointments.form.slotLeft', { from: slot.from, to: slot.to, left: slot.available }) + (slot.isExtended ? ` · ${t('appointments.day.extended')}` : ''),
      }))}
    />
  );
}

interface BookValues {
  business: AppointmentBusiness;
  locationId: string;
  date: dayjs.Dayjs;
  startsAt: string;
  customerName: string;
  phone: string;
  accountNo?: string;
  note?: string;
}

export function BookModal({ open, onClose, locations, defaultLocationId }: { open: boolean; onClose: () => void; locations: AppointmentLocation[]; defaultLocationId: string | undefined }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<BookValues>();
  const book = useBook();
  const business = Form.useWatch('business', form);
  const locationId = Form.useWatch('locationId', form);
  const date = Form.useWatch('date', form);
  const choices = locations.filter((location) => location.isActive && (!business || location.businesses.includes(business)));
  const submit = async () => {
    const values = await form.validateFields();
    try {
      const made = await book.mutateAsync({
        locationId: values.locationId,
        startsAt: values.startsAt,
        business: values.business,
        customerName: values.customerName.trim(),
        phone: values.phone.trim(),
        ...(values.accountNo?.trim() ? { accountNo: values.accountNo.trim() } : {}),
        note: values.note?.trim() ?? '',
      });
      void message.success(t('appointments.day.booked', { no: made.bookingNo }));
      form.resetFields();
      onClose();
    } catch (error) {
      applyFieldErrors(form, error, i18n.language);
      void message.error(errorMessage(error, i18n.language, t('common.unexpectedError')));
    }
  };
  return (
    <Modal open={open} title={t('appointments.day.book')} onCancel={onClose} onOk={() => void submit()} okText={t('appointments.form.submit')} confirmLoading={book.isPending} destroyOnHidden data-testid="appointment-book-modal">
      <Form form={form} layout="vertical" initialValues={{ locationId: defaultLocationId, date: dayjs() }} preserve={false}>
        <Form.Item name="business" label={t('appointments.form.business')} rules={[{ required: true, message: t('appointments.form.required') }]}>
          <Select data-testid="appointment-business-select" options={BUSINESSES.map((value) => ({ value, label: t(`appointments.business.${value}`) }))} />
        </Form.Item>
        <Form.Item name="locationId" label={t('appointments.form.location')} rules={[{ required: true, message: t('appointments.form.required') }]}>
          <Select options={choices.map((location) => ({ value: location.id, label: location.name }))} onChange={() => form.setFieldValue('startsAt', undefined)} />
        </Form.Item>
        <Form.Item name="date" label={t('appointments.form.date')} rules={[{ required: true, message: t('appointments.form.required') }]}>
          <DatePicker allowClear={false} onChange={() => form.setFieldValue('startsAt', undefined)} disabledDate={(day) => day.isBefore(dayjs(), 'day')} />
        </Form.Item>
        <Form.Item name="startsAt" label={t('appointments.form.slot')} rules={[{ required: true, message: t('appointments.form.required') }]}>
          <SlotSelect locationId={locationId} date={date ? date.format('YYYY-MM-DD') : null} />
        </Form.Item>
        <Form.Item name="customerName" label={t('appointments.form.name')} rules={[{ required: true, whitespace: true, message: t('appointments.form.required') }]}>
          <Input maxLength={50} />
        </Form.Item>
        <Form.Item name="phone" label={t('appointments.form.phone')} rules={[{ required: true, message: t('appointments.form.required') }]}>
          <Input maxLength={11} inputMode="numeric" />
        </Form.Item>
        <Form.Item name="accountNo" label={t('appointments.form.accountNo')}>
          <Input maxLength={20} />
        </Form.Item>
        <Form.Item name="note" label={t('appointments.form.note')}>
          <Input.TextArea maxLength={200} rows={2} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function MoveModal({ appointment, onClose, locations }: { appointment: Appointment | null; onClose: () => void; locations: AppointmentLocation[] }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ locationId: string; date: dayjs.Dayjs; startsAt: string }>();
  const move = useMove();
  const locationId = Form.useWatch('locationId', form);
  const date = Form.useWatch('date', form);
  if (!appointment) return null;
  const submit = async () => {
    const values = await form.validateFields();
    try {
      await move.mutateAsync({ id: appointment.id, locationId: values.locationId, startsAt: values.startsAt, version: appointment.version });
      void message.success(t('appointments.day.moved'));
      onClose();
    } catch (error) {
      applyFieldErrors(form, error, i18n.language);
      void message.error(errorMessage(error, i18n.language, t('common.unexpectedError')));
    }
  };
  return (
    <Modal open title={t('appointments.day.moveTitle', { no: appointment.bookingNo })} onCancel={onClose} onOk={() => void submit()} okText={t('appointments.form.submit')} confirmLoading={move.isPending} destroyOnHidden>
      <Form form={form} layout="vertical" initialValues={{ locationId: appointment.locationId, date: dayjs(appointment.date) }} preserve={false}>
        <Form.Item name="locationId" label={t('appointments.form.location')} rules={[{ required: true }]}>
          <Select options={locations.filter((location) => location.isActive && location.businesses.includes(appointment.business)).map((location) => ({ value: location.id, label: location.name }))} onChange={() => form.setFieldValue('startsAt', undefined)} />
        </Form.Item>
        <Form.Item name="date" label={t('appointments.form.date')} rules={[{ required: true }]}>
          <DatePicker allowClear={false} onChange={() => form.setFieldValue('startsAt', undefined)} disabledDate={(day) => day.isBefore(dayjs(), 'day')} />
        </Form.Item>
        <Form.Item name="startsAt" label={t('appointments.form.slot')} rules={[{ required: true, message: t('appointments.form.required') }]}>
          <SlotSelect locationId={locationId} date={date ? date.format('YYYY-MM-DD') : null} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function CancelModal({ appointment, onClose }: { appointment: Appointment | null; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [reason, setReason] = useState('');
  const cancel = useCancel();
  if (!appointment) return null;
  const submit = async () => {
    try {
      await cancel.mutateAsync({ id: appointment.id, version: appointment.version, reason: reason.trim() });
      void message.success(t('appointments.day.cancelled'));
      setReason('');
      onClose();
    } catch (error) {
      void message.error(errorMessage(error, i18n.language, t('common.unexpectedError')));
    }
  };
  return (
    <Modal open title={t('appointments.day.cancelTitle', { no: appointment.bookingNo })} onCancel={onClose} onOk={() => void submit()} okButtonProps={{ danger: true, disabled: !reason.trim() }} confirmLoading={cancel.isPending} destroyOnHidden>
      <Input.TextArea value={reason} onChange={(event) => setReason(event.target.value)} placeholder={t('appointments.day.cancelReason')} maxLength={200} rows={3} aria-label={t('appointments.day.cancelReason')} />
    </Modal>
  );
}
