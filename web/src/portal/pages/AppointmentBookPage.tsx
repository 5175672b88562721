/**
 * 预约办理 and 改约: choose the business, the location, the day and the time, in that order, on one screen;
 * a new booking also asks for the name. Moving keeps the business and the booking number.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Input, Selector, Tag, TextArea, Toast } from 'antd-mobile';
import { useState, type ReactElement } from 'react';
import { useNavigate, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import type { Appointment, AppointmentBusiness, AppointmentLocation } from '../../api/types';
import { Page } from '../components/Page';
import { CardSkeleton, EmptyState, ErrorState, PageLoading } from '../components/states';
import { appointmentKeys, bookAppointment, fetchAppointment, fetchDays, fetchLocations, fetchSlots, moveAppointment } from './AppointmentApi';
import { BUSINESS_TEXT, DAY_KIND_KEY } from './AppointmentMessages';
import { useAppointmentText, weekdayIndex } from './AppointmentParts';
import { fill } from './PayMessages';

const BUSINESSES = Object.keys(BUSINESS_TEXT) as AppointmentBusiness[];

export function AppointmentBookPage(): ReactElement {
  const { id } = useParams();
  const moving = useQuery({ queryKey: appointmentKeys.one(id ?? ''), queryFn: () => fetchAppointment(id ?? ''), enabled: Boolean(id) });
  const { text } = useAppointmentText();
  if (id && moving.isPending) return <PageLoading />;
  if (id && moving.isError) return <ErrorState error={moving.error} onRetry={() => void moving.refetch()} fullPage />;
  return <BookingForm key={id ?? 'new'} moving={moving.data ?? null} title={id ? text.moveTitle : text.newTitle} />;
}

function BookingForm({ moving, title }: { moving: Appointment | null; title: string }): ReactElement {
  const { text, language, businessName } = useAppointmentText();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [business, setBusiness] = useState<AppointmentBusiness | null>(moving?.business ?? null);
  const [locationId, setLocationId] = useState<string | null>(moving?.locationId ?? null);
  const [chosenDate, setDate] = useState<string | null>(null);
  const [startsAt, setStartsAt] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [note, setNote] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);

  const locations = useQuery({ queryKey: appointmentKeys.locations(business ?? ''), queryFn: () => fetchLocations(business as AppointmentBusiness), enabled: business !== null });
  const days = useQuery({ queryKey: appointmentKeys.days(locationId ?? ''), queryFn: () => fetchDays(locationId as string), enabled: locationId !== null });
  // Until the customer picks a day, the first day with a place left is shown.
  const date = chosenDate ?? days.data?.find((day) => day.available > 0)?.date ?? null;
  const slots = useQuery({ queryKey: appointmentKeys.slots(locationId ?? '', date ?? ''), queryFn: () => fetchSlots(locationId as string, date as string), enabled: locationId !== null && date !== null });

  const onError = (error: unknown) => {
    if (error instanceof ApiError) {
      const fields = error.fieldMessages(language);
      if (fields.customerName) setNameError(fields.customerName);
      Toast.show({ icon: 'fail', content: error.messageIn(language) });
      // A slot taken meanwhile: show the places as they are now.
      void queryClient.invalidateQueries({ queryKey: appointmentKeys.all });
    } else Toast.show({ icon: 'fail', content: text.failed });
  };
  const done = async (appointment: Appointment, message: string) => {
    Toast.show({ icon: 'success', content: message, duration: 2500 });
    await queryClient.invalidateQueries({ queryKey: appointmentKeys.all });
    void navigate('/appointments', { replace: true, state: { highlight: appointment.id } });
  };
  const book = useMutation({
    mutationFn: bookAppointment,
    onSuccess: (appointment) => done(appointment, fill(text.booked, { no: appointment.bookingNo })),
    onError,
  });
  const move = useMutation({
    mutationFn: (body: { locationId: string; startsAt: string; version: number }) => moveAppointment((moving as Appointment).id, body),
    onSuccess: (appointment) => done(appointment, fill(text.moved, { date: appointment.date, from: appointment.from })),
    onError,
  });

  const chooseBusiness = (value: AppointmentBusiness | undefined) => {
    setBusiness(value ?? null);
    setLocationId(null);
    setDate(null);
    setStartsAt(null);
  };
  const chooseLocation = (location: AppointmentLocation) => {
    setLocationId(location.id);
    setDate(null);
    setStartsAt(null);
  };
  const submit = () => {
    if (!business || !locationId || !startsAt) {
      Toast.show({ content: text.chooseAll });
      return;
    }
    if (moving) {
      move.mutate({ locationId, startsAt, version: moving.version });
      return;
    }
    if (!name.trim()) {
      setNameError(text.nameRequired);
      return;
    }
    book.mutate({ locationId, startsAt, business, customerName: name.trim(), note: note.trim() });
  };

  let locationBody: ReactElement | null = null;
  if (business) {
    if (locations.isPending) locationBody = <CardSkeleton count={1} />;
    else if (locations.isError) locationBody = <ErrorState error={locations.error} onRetry={() => void locations.refetch()} />;
    else if (locations.data.length === 0) locationBody = <EmptyState title={text.locationEmpty} />;
    else
      locationBody = (
        <div data-testid="appointment-locations">
          {locations.data.map((location) => (
            <button type="button" key={location.id} className="ap-location" aria-pressed={location.id === locationId} onClick={() => chooseLocation(location)} data-testid="appointment-location">
              <div className="ap-location-name">
                <span>{location.name}</span>
                <Tag color={location.type === 'government_centre' ? 'warning' : 'primary'} fill="outline">
                  {location.type === 'government_centre' ? text.typeGovernment : text.typeHall}
                </Tag>
                {location.hasExtendedHours && <Tag color="success" fill="outline">{text.extended}</Tag>}
              </div>
              <div className="ap-location-address">{location.address}</div>
            </button>
          ))}
        </div>
      );
  }

  let dayBody: ReactElement | null = null;
  if (locationId) {
    if (days.isPending) dayBody = <PageLoading inline />;
    else if (days.isError) dayBody = <ErrorState error={days.error} onRetry={() => void days.refetch()} />;
    else
      dayBody = (
        <div className="ap-days" data-testid="appointment-days">
          {days.data.map((day) => {
            const kindKey = DAY_KIND_KEY[day.kind];
            const sub = day.slots === 0 ? text.dayClosed : day.available === 0 ? text.dayFull : fill(text.dayLeft, { count: day.available });
            return (
              <button
                type="button"
                key={day.date}
                className="ap-day"
                aria-pressed={day.date === date}
                disabled={day.available === 0}
                onClick={() => {
                  setDate(day.date);
                  setStartsAt(null);
                }}
                data-testid={`appointment-day-${day.date}`}
              >
                <div className="ap-day-sub">{text.weekdays[weekdayIndex(day.date)]}</div>
                <div className="ap-day-date">{day.date.slice(5).replace('-', '/')}</div>
                <div className="ap-day-sub">{kindKey && day.slots > 0 ? text[kindKey] as string : sub}</div>
              </button>
            );
          })}
        </div>
      );
  }

  let slotBody: ReactElement | null = null;
  if (locationId && date) {
    if (slots.isPending) slotBody = <PageLoading inline />;
    else if (slots.isError) slotBody = <ErrorState error={slots.error} onRetry={() => void slots.refetch()} />;
    else {
      const open = slots.data.slots.filter((slot) => !slot.isPast);
      slotBody =
        open.length === 0 ? (
          <div className="ap-hint">{text.slotEmpty}</div>
        ) : (
          <div data-testid="appointment-slots">
          <Selector
            className="ap-chips"
            columns={3}
            value={startsAt ? [startsAt] : []}
            onChange={(values) => setStartsAt(values[0] ?? null)}
            options={open.map((slot) => ({
              value: slot.startsAt,
              disabled: slot.available === 0,
              label: (
                <span data-testid={`appointment-slot-${slot.from}`}>
                  <span>{slot.from}–{slot.to}</span>
                  <span className="ap-chip-sub" style={{ display: 'block' }}>
                    {slot.available === 0 ? text.slotFull : fill(text.slotLeft, { count: slot.available })}
                    {slot.isExtended ? ` · ${text.extended}` : ''}
                  </span>
                </span>
              ),
            }))}
          />
          </div>
        );
    }
  }

  const busy = book.isPending || move.isPending;
  return (
    <Page
      title={title}
      back
      testId="appointment-book-page"
      footer={
        <Button block color="primary" size="large" loading={busy} disabled={busy} onClick={submit} data-testid="appointment-submit">
          {moving ? text.submitMove : text.submit}
        </Button>
      }
    >
      <div className="portal-content">
        <section className="ap-section">
          <h2 className="ap-section-title">{text.business}</h2>
          {moving ? (
            <div data-testid="appointment-business-fixed">{businessName(moving.business)} · {text.bookingNo} {moving.bookingNo}</div>
          ) : (
            <Selector
              className="ap-chips"
              columns={2}
              value={business ? [business] : []}
              onChange={(values) => chooseBusiness(values[0])}
              options={BUSINESSES.map((value) => ({ value, label: <span data-testid={`appointment-business-${value}`}>{businessName(value)}</span> }))}
            />
          )}
        </section>
        {business && (
          <section className="ap-section">
            <h2 className="ap-section-title">{text.location}</h2>
            {locationBody}
          </section>
        )}
        {locationId && (
          <section className="ap-section">
            <h2 className="ap-section-title">{text.day}</h2>
            {dayBody}
          </section>
        )}
        {locationId && date && (
          <section className="ap-section">
            <h2 className="ap-section-title">{text.slot}</h2>
            {slotBody}
          </section>
        )}
        {!moving && startsAt && (
          <section className="ap-section">
            <h2 className="ap-section-title">{text.name}</h2>
            <div className="portal-card">
              <Input
                value={name}
                onChange={(value) => {
                  setName(value);
                  setNameError(null);
                }}
                placeholder={text.namePlaceholder}
                maxLength={50}
                aria-label={text.name}
                data-testid="appointment-name"
              />
              {nameError && <div className="adm-form-item-feedback-error" role="alert">{nameError}</div>}
            </div>
            <h2 className="ap-section-title" style={{ marginTop: 12 }}>{text.note}</h2>
            <div className="portal-card">
              <TextArea value={note} onChange={setNote} placeholder={text.notePlaceholder} maxLength={200} rows={2} aria-label={text.note} />
            </div>
            <p className="ap-hint">{text.phoneHint}</p>
          </section>
        )}
      </div>
    </Page>
  );
}
