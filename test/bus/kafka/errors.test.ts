// toBusError classifies the client's failures by the codes it carries, and says what to fix.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProtocolError, ResponseError, UserError } from '@platformatic/kafka';
import { toBusError } from '../../../src/bus/kafka/errors.ts';

const brokers = ['127.0.0.1:9092'];

describe('toBusError', () => {
  it('maps UNKNOWN_TOPIC_OR_PARTITION (protocol error 3) to SF_BUS_UNKNOWN_TOPIC by its code', () => {
    // As the broker answers a produce to a topic it does not have: a ResponseError around the code.
    const error = new ResponseError(0, 9, { '/topics/0/partitions/0': [3, null] }, undefined);
    assert.equal(toBusError(error, brokers, 'produce').code, 'SF_BUS_UNKNOWN_TOPIC');
    assert.equal(toBusError(new ProtocolError(3), brokers, 'produce').code, 'SF_BUS_UNKNOWN_TOPIC');
    // Not by text: a message that merely mentions the name is no such answer.
    const lookalike = new UserError('UNKNOWN_TOPIC_OR_PARTITION is what the docs call it');
    assert.equal(toBusError(lookalike, brokers, 'produce').code, 'SF_BUS_ERROR');
  });

  it('tells a plaintext client on a TLS listener to set KAFKA_USER and KAFKA_PASSWORD', () => {
    const error = toBusError(new UserError('Broker requires TLS.'), brokers, 'connect', { secure: false });
    assert.equal(error.code, 'SF_BUS_TLS_FAILED');
    assert.match(error.message, /set KAFKA_USER and KAFKA_PASSWORD/);
  });
});
