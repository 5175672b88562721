/** 服务评价: a closed request's 1–5 rating with a comment, once per closure; the rating given, afterwards. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Rate, TextArea, Toast } from 'antd-mobile';
import { useState, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorState, errorText } from '../components/states';
import { fill } from './PayMessages';
import { formatDateTime } from './PayParts';
import { serviceQueryKeys } from './ServiceApi';
import { deskQueryKeys, fetchRating, rateRequest } from './ServiceDeskApi';
import { deskText } from './ServiceDeskMessages';
import { ServiceStars } from './ServiceStars';

export function ServiceRating({ requestId }: { requestId: string }): ReactElement | null {
  const { i18n } = useTranslation();
  const text = deskText(i18n.language);
  const queryClient = useQueryClient();
  const rating = useQuery({ queryKey: deskQueryKeys.rating(requestId), queryFn: () => fetchRating(requestId) });
  const rate = useMutation({
    mutationFn: (body: RatingBody) => rateRequest(requestId, body),
    onSuccess: (saved) => {
      queryClient.setQueryData(deskQueryKeys.rating(requestId), saved);
      // A poor rating reopens the request: its progress changes too.
      void queryClient.invalidateQueries({ queryKey: serviceQueryKeys.detail(requestId) });
      void queryClient.invalidateQueries({ queryKey: serviceQueryKeys.list });
      Toast.show({ icon: 'success', content: text.rated });
    },
  });
  if (rating.isPending) return null;
  if (rating.isError) return <ErrorState error={rating.error} onRetry={() => void rating.refetch()} />;
  const given = rating.data.rating;
  if (!given && !rating.data.canRate) return null;
  return (
    <section className="portal-card sv-rating" data-testid="service-rating">
      <h3 className="portal-section-title">{text.rateTitle}</h3>
      {given ? (
        <div data-testid="service-rating-given">
          <div role="img" aria-label={fill(text.starValue, { count: given.rating, label: text.stars[given.rating - 1] ?? '' })}>
            <Rate readOnly value={given.rating} />
          </div>
          <div className="sv-time">{fill(text.ratedAt, { time: formatDateTime(given.ratedAt, i18n.language) })}</div>
          {given.comment ? <p className="sv-step-note">{given.comment}</p> : null}
          {given.rating <= 2 ? <p className="portal-hint">{text.poorNotice}</p> : null}
        </div>
      ) : (
        <>
          <p className="portal-hint">{text.rateHint}</p>
          <RatingForm pending={rate.isPending} onSubmit={(body) => rate.mutateAsync(body)} submitTestId="service-rating-submit" labelTestId="service-rating-label" />
        </>
      )}
    </section>
  );
}


export interface RatingBody {
  rating: number;
  comment?: string;
}

/** The 1–5 stars, the comment and the submit button, for a signed-in customer and for an SMS link alike. */
export function RatingForm({
  pending,
  onSubmit,
  submitTestId,
  labelTestId,
}: {
  pending: boolean;
  /** Sends the rating; a refusal is shown under the form. */
  onSubmit: (body: RatingBody) => Promise<unknown>;
  submitTestId: string;
  labelTestId?: string;
}): ReactElement {
  const { i18n } = useTranslation();
  const text = deskText(i18n.language);
  const [stars, setStars] = useState(0);
  const [comment, setComment] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const submit = () => {
    if (stars === 0) return setProblem(text.rateRequired);
    onSubmit({ rating: stars, ...(comment.trim() ? { comment: comment.trim() } : {}) }).catch((error: unknown) => setProblem(errorText(error, i18n.language) ?? text.rateRequired));
  };
  return (
    <>
      <div className="sv-stars">
        <ServiceStars
          value={stars}
          onChange={(value) => {
            setStars(value);
            setProblem(null);
          }}
        />
        <span className="sv-star-label" data-testid={labelTestId}>
          {stars > 0 ? text.stars[stars - 1] : ''}
        </span>
      </div>
      <TextArea placeholder={text.rateCommentPlaceholder} value={comment} onChange={setComment} maxLength={500} rows={3} showCount aria-label={text.rateComment} />
      {problem ? (
        <p className="portal-notice portal-notice-error" role="alert">
          {problem}
        </p>
      ) : null}
      <Button block color="primary" size="large" loading={pending} data-testid={submitTestId} onClick={submit}>
        {text.rateSubmit}
      </Button>
    </>
  );
}
