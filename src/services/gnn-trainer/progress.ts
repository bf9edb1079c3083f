// How training progress reads: a line for the CLI and the fields of a `loading` telemetry event (readers
// ignore fields they do not know; the queue manager shows records_written / records_total as progress).
import type { EpochProgress } from './model/train.ts';

export interface EpochTelemetry {
  records_written: number;
  records_total: number;
  message: string;
  epoch: number;
  epochs: number;
  loss: number;
  accuracy: number;
  val_loss: number;
  val_accuracy: number;
  eta_seconds: number;
}

export function progressLine(p: EpochProgress): string {
  return (
    `epoch ${p.epoch}/${p.epochs}  loss ${p.train.loss.toFixed(4)}  acc ${percent(p.train.accuracy)}  ` +
    `val_loss ${p.validation.loss.toFixed(4)}  val_acc ${percent(p.validation.accuracy)}  ` +
    `ETA ${(p.etaMs / 1000).toFixed(1)} s`
  );
}

export function epochTelemetry(p: EpochProgress): EpochTelemetry {
  const round = (x: number): number => Number(x.toFixed(6));
  return {
    records_written: p.epoch,
    records_total: p.epochs,
    message: progressLine(p),
    epoch: p.epoch,
    epochs: p.epochs,
    loss: round(p.train.loss),
    accuracy: round(p.train.accuracy),
    val_loss: round(p.validation.loss),
    val_accuracy: round(p.validation.accuracy),
    eta_seconds: round(p.etaMs / 1000),
  };
}

export function percent(x: number): string {
  return `${(x * 100).toFixed(1)} %`;
}
