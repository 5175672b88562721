/** The rating stars of the portal (the request page and the SMS link page). */
import { useId, useRef, type KeyboardEvent, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { fill } from './PayMessages';
import { deskText } from './ServiceDeskMessages';

/**
 * 1–5 stars as a radio group: tap a star, or Tab to the group and choose with the arrow keys (Home/End for
 * the ends); a screen reader announces each star's number and meaning, and which one is chosen.
 */
export function ServiceStars({ value, onChange }: { value: number; onChange: (value: number) => void }): ReactElement {
  const { i18n } = useTranslation();
  const text = deskText(i18n.language);
  const label = text.rateTitle;
  const hint = text.starsKeyboard;
  const valueText = (count: number) => fill(text.starValue, { count, label: text.stars[count - 1] ?? '' });
  const hintId = useId();
  const buttons = useRef<(HTMLButtonElement | null)[]>([]);
  const choose = (next: number) => {
    const clamped = Math.min(5, Math.max(1, next));
    onChange(clamped);
    buttons.current[clamped - 1]?.focus();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>, count: number) => {
    const moves: Record<string, number> = { ArrowRight: count + 1, ArrowUp: count + 1, ArrowLeft: count - 1, ArrowDown: count - 1, Home: 1, End: 5 };
    const next = moves[event.key];
    if (next === undefined) return;
    event.preventDefault();
    choose(next);
  };
  return (
    <div role="radiogroup" aria-label={label} aria-describedby={hintId} className="sv-star-picker" data-testid="service-rating-stars">
      <span id={hintId} className="sv-visually-hidden">
        {hint}
      </span>
      {[1, 2, 3, 4, 5].map((count) => (
        <button
          key={count}
          ref={(element) => {
            buttons.current[count - 1] = element;
          }}
          type="button"
          role="radio"
          aria-checked={value === count}
          aria-label={valueText(count)}
          // One tab stop for the group: the chosen star, or the first before any is chosen.
          tabIndex={value === count || (value === 0 && count === 1) ? 0 : -1}
          className={`sv-star${count <= value ? ' sv-star-on' : ''}`}
          onClick={() => choose(count)}
          onKeyDown={(event) => onKeyDown(event, count)}
          data-testid={`service-rating-star-${count}`}
        >
          <svg viewBox="0 0 24 24" width="32" height="32" aria-hidden="true" focusable="false">
            <path d="M12 2.5l2.9 6.1 6.6.8-4.9 4.6 1.3 6.6L12 17.3l-5.9 3.3 1.3-6.6-4.9-4.6 6.6-.8z" />
          </svg>
        </button>
      ))}
    </div>
  );
}
