/**
 * 短信评价: the page an SMS rating link opens, without login. The link (utility code and a signed, expiring,
 * single-use token) says which request it is for; the customer rates it 1–5 with a comment, once.
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import { ErrorBlock, Result } from 'antd-mobile';
import type { ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { ApiError } from '../../api/client';
import { Page } from '../components/Page';
import { CardSkeleton, ErrorState } from '../components/states';
import { fill } from './PayMessages';
import { formatDateTime } from './PayParts';
import { deskQueryKeys, fetchRatingLink, rateByLink } from './ServiceDeskApi';
import { deskText } from './ServiceDeskMessages';
import { RatingForm, type RatingBody } from './ServiceRating';
import './Service.css';

export function ServiceRatePage(): ReactElement {
  const { tenant = '', token = '' } = useParams();
  const { i18n } = useTranslation();
  const text = deskText(i18n.language);
  const english = i18n.language.startsWith('en');
  const link = useQuery({ queryKey: deskQueryKeys.link(tenant, token), queryFn: () => fetchRatingLink(tenant, token), retry: false });
  const rate = useMutation({ mutationFn: (body: RatingBody) => rateByLink(tenant, token, body) });

  let body: ReactElement;
  const code = link.error instanceof ApiError ? link.error.body.code : rate.error instanceof ApiError ? rate.error.body.code : null;
  if (rate.isSuccess) {
    body = <Result status="success" title={text.linkThanks} description={(rate.variables?.rating ?? 5) <= 2 ? text.poorNotice : text.linkThanksText} data-testid="rate-done" />;
  } else if (link.isPending) {
    body = <CardSkeleton count={1} />;
  } else if (code === 'already_rated') {
    body = <Result status="info" title={text.linkUsed} description={text.linkUsedText} data-testid="rate-used" />;
  } else if (code === 'rating_link_expired') {
    body = <Result status="warning" title={text.linkExpired} description={text.linkExpiredText} data-testid="rate-expired" />;
  } else if (code === 'rating_link_invalid' || (link.error instanceof ApiError && link.error.status === 400)) {
    body = <ErrorBlock status="empty" title={text.linkInvalid} description={text.linkInvalidText} data-testid="rate-invalid" />;
  } else if (link.isError) {
    body = <ErrorState error={link.error} onRetry={() => void link.refetch()} />;
  } else {
    const info = link.data;
    body = (
      <div className="portal-stack">
        <section className="portal-card" data-testid="rate-request">
          <h2 className="sv-title">{english ? info.utility.nameEn : info.utility.name}</h2>
          <p>{fill(text.linkIntro, { no: info.requestNo, category: english ? info.category.nameEn : info.category.name })}</p>
          {info.closedAt ? <p className="sv-time">{fill(text.linkClosedAt, { time: formatDateTime(info.closedAt, i18n.language) })}</p> : null}
          <p className="portal-hint">{fill(text.linkExpires, { time: formatDateTime(info.expiresAt, i18n.language) })}</p>
        </section>
        <section className="portal-card sv-rating">
          <h3 className="portal-section-title">{text.rateTitle}</h3>
          <RatingForm pending={rate.isPending} onSubmit={(body) => rate.mutateAsync(body)} submitTestId="rate-submit" />
        </section>
      </div>
    );
  }
  return (
    <Page title={text.linkTitle} testId="rate-page">
      <div className="portal-content">{body}</div>
    </Page>
  );
}
