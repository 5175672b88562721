/** 我的预约: the customer's appointments, newest first, with move and cancel while they can still change. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Dialog, Toast } from 'antd-mobile';
import type { ReactElement } from 'react';
import { useNavigate } from 'react-router';
import { ApiError } from '../../api/client';
import type { Appointment } from '../../api/types';
import { ListPage } from '../components/ListPage';
import { CardSkeleton, EmptyState, ErrorState } from '../components/states';
import { appointmentKeys, cancelAppointment, fetchMyAppointments } from './AppointmentApi';
import { AppointmentStatusTag, useAppointmentText, weekdayIndex } from './AppointmentParts';
import { fill } from './PayMessages';

export function AppointmentListPage(): ReactElement {
  const { text, language, businessName } = useAppointmentText();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const appointments = useQuery({ queryKey: appointmentKeys.mine, queryFn: fetchMyAppointments });
  const cancel = useMutation({
    mutationFn: (appointment: Appointment) => cancelAppointment(appointment.id, appointment.version),
    onSuccess: async () => {
      Toast.show({ icon: 'success', content: text.cancelled });
      await queryClient.invalidateQueries({ queryKey: appointmentKeys.all });
    },
    onError: (error) => Toast.show({ icon: 'fail', content: error instanceof ApiError ? error.messageIn(language) : text.failed }),
  });
  const goNew = () => void navigate('/appointments/new');
  const askCancel = (appointment: Appointment) =>
    void Dialog.confirm({
      content: fill(text.cancelConfirm, { no: appointment.bookingNo }),
      confirmText: text.cancel,
      cancelText: text.keep,
      onConfirm: () => cancel.mutateAsync(appointment).then(() => undefined),
    });

  let body: ReactElement;
  if (appointments.isPending) body = <CardSkeleton />;
  else if (appointments.isError) body = <ErrorState error={appointments.error} onRetry={() => void appointments.refetch()} />;
  else if (appointments.data.length === 0)
    body = (
      <EmptyState title={text.listEmpty} description={text.listEmptyDescription}>
        <Button color="primary" size="large" className="portal-empty-action" onClick={goNew}>
          {text.newButton}
        </Button>
      </EmptyState>
    );
  else
    body = (
      <div className="portal-stack" data-testid="appointment-list">
        {appointments.data.map((appointment) => (
          <article className="portal-card ap-card" key={appointment.id} data-testid="appointment-item">
            <div className="ap-card-head">
              <span className="ap-card-title">{businessName(appointment.business)}</span>
              <AppointmentStatusTag status={appointment.status} />
            </div>
            <dl>
              <dt>{text.time}</dt>
              <dd data-testid="appointment-time">
                {appointment.date} {text.weekdays[weekdayIndex(appointment.date)]} {appointment.from}–{appointment.to}
              </dd>
              <dt>{text.location}</dt>
              <dd>
                {appointment.locationName}
                <div className="ap-location-address">{appointment.locationAddress}</div>
              </dd>
              <dt>{text.bookingNo}</dt>
              <dd className="pay-mono" data-testid="appointment-no">{appointment.bookingNo}</dd>
            </dl>
            {appointment.canChange && (
              <div className="ap-actions">
                <Button color="primary" fill="outline" onClick={() => void navigate(`/appointments/${encodeURIComponent(appointment.id)}/move`)} data-testid="appointment-move">
                  {text.move}
                </Button>
                <Button color="danger" fill="outline" onClick={() => askCancel(appointment)} data-testid="appointment-cancel">
                  {text.cancel}
                </Button>
              </div>
            )}
          </article>
        ))}
      </div>
    );

  return (
    <ListPage title={text.mineTitle} testId="appointment-list-page" newLabel={text.newButton} newTestId="appointment-new" onNew={goNew} onRefresh={() => appointments.refetch()}>
      {body}
    </ListPage>
  );
}
