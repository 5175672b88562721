/** Small pieces of the appointment pages: texts in the current language, the home entries, the status tag. */
import { Tag } from 'antd-mobile';
import type { ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { AppointmentBusiness, AppointmentStatus } from '../../api/types';
import { appointmentText, BUSINESS_TEXT, STATUS_TEXT } from './AppointmentMessages';
import './Appointment.css';

export function useAppointmentText() {
  const { i18n } = useTranslation();
  const language = i18n.language;
  const isEnglish = language.startsWith('en');
  return {
    text: appointmentText(language),
    language,
    businessName: (business: AppointmentBusiness) => (isEnglish ? BUSINESS_TEXT[business].en : BUSINESS_TEXT[business].zh),
    statusName: (status: AppointmentStatus) => (isEnglish ? STATUS_TEXT[status].en : STATUS_TEXT[status].zh),
  };
}

/** '2026-03-03' → weekday index 0 (Monday) … 6 (Sunday). */
export function weekdayIndex(date: string): number {
  return (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
}

export function AppointmentEntries(): ReactElement {
  const { text } = useAppointmentText();
  return (
    <nav className="ap-home-entries" data-testid="appointment-entries">
      <Link className="portal-card ap-home-entry" to="/appointments/new" data-testid="appointment-entry-new">
        <div className="ap-home-entry-title">{text.entryTitle}</div>
        <div className="ap-home-entry-text">{text.entryDescription}</div>
      </Link>
      <Link className="portal-card ap-home-entry" to="/appointments" data-testid="appointment-entry-mine">
        <div className="ap-home-entry-title">{text.mineTitle}</div>
        <div className="ap-home-entry-text">{text.mineDescription}</div>
      </Link>
    </nav>
  );
}

export function AppointmentStatusTag({ status }: { status: AppointmentStatus }): ReactElement {
  const { statusName } = useAppointmentText();
  const color = status === 'booked' ? 'primary' : status === 'arrived' ? 'success' : 'default';
  return (
    <Tag color={color} fill="outline" className="ap-status" data-testid="appointment-status">
      {statusName(status)}
    </Tag>
  );
}
