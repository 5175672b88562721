/**
 * 使用当前位置: the phone's position for a report, asked for only when the resident taps the button, with
 * what it is for; without it (refused, unavailable, no support) the report works with an address.
 */
import { Button } from 'antd-mobile';
import { useState, type ReactElement } from 'react';
import { fill } from './PayMessages';
import { useServiceMediaText } from './ServiceMediaMessages';

export interface Position {
  latitude: number;
  longitude: number;
  /** Metres. */
  accuracy: number;
}

type Problem = 'denied' | 'unavailable' | 'unsupported';

/** Six decimals (about 10 cm) is all the server keeps. */
const round = (value: number) => Math.round(value * 1e6) / 1e6;

export function ServiceLocation({ value, onChange }: { value: Position | null; onChange: (position: Position | null) => void }): ReactElement {
  const { text } = useServiceMediaText();
  const [locating, setLocating] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);

  const locate = () => {
    if (!('geolocation' in navigator)) return setProblem('unsupported');
    setLocating(true);
    setProblem(null);
    navigator.geolocation.getCurrentPosition(
      (position) => {
        setLocating(false);
        onChange({ latitude: round(position.coords.latitude), longitude: round(position.coords.longitude), accuracy: Math.round(position.coords.accuracy) });
      },
      (error) => {
        setLocating(false);
        setProblem(error.code === error.PERMISSION_DENIED ? 'denied' : 'unavailable');
      },
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  };

  return (
    <div className="sv-location" data-testid="service-location">
      {value ? (
        <div className="sv-location-found">
          <div data-testid="service-location-found">
            {fill(text.located, { accuracy: value.accuracy })}
            <div className="sv-location-coords">
              {value.latitude.toFixed(6)}, {value.longitude.toFixed(6)}
            </div>
          </div>
          <Button size="small" fill="none" color="primary" onClick={() => onChange(null)}>
            {text.clearLocation}
          </Button>
        </div>
      ) : (
        <>
          <p className="portal-hint sv-location-hint">{text.locationHint}</p>
          <Button size="small" color="primary" fill="outline" loading={locating} loadingText={text.locating} onClick={locate} data-testid="service-use-location">
            {text.useLocation}
          </Button>
        </>
      )}
      {problem && (
        <p className="portal-notice portal-notice-info sv-location-problem" role="status">
          {problem === 'denied' ? text.locationDenied : problem === 'unsupported' ? text.locationUnsupported : text.locationUnavailable}
        </p>
      )}
    </div>
  );
}
