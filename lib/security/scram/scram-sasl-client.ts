/**
 * Kafka's ScramSaslClient: what a broker (inter-broker SASL) or a kafkats tool sends to a SCRAM
 * server — client-first with a fresh nonce, client-final with the proof, then the server's
 * signature is verified, so a server that does not hold the credential is not trusted. A server
 * nonce that does not extend ours, fewer iterations than the mechanism's minimum or a wrong
 * signature fail with a SaslException.
 */
import { timingSafeEqual } from 'node:crypto';
import { SaslException } from '../authenticator/sasl-exceptions.js';
import type { SaslClient } from '../authenticator/sasl-server.js';
import { ClientFinalMessage, ClientFirstMessage, ServerFinalMessage, ServerFirstMessage } from './scram-messages.js';
import { ScramFormatter, authMessage, saslName, secureRandomString, xor } from './scram-formatter.js';
import type { ScramMechanism } from './scram-mechanism.js';

type State = 'SEND_CLIENT_FIRST_MESSAGE' | 'RECEIVE_SERVER_FIRST_MESSAGE' | 'RECEIVE_SERVER_FINAL_MESSAGE' | 'COMPLETE' | 'FAILED';

export class ScramSaslClient implements SaslClient {
  private state: State = 'SEND_CLIENT_FIRST_MESSAGE';
  private readonly formatter: ScramFormatter;
  private clientFirst: ClientFirstMessage | null = null;
  private serverFirst: ServerFirstMessage | null = null;
  private clientFinal: ClientFinalMessage | null = null;
  private saltedPassword: Buffer | null = null;

  constructor(readonly mechanism: ScramMechanism, private readonly username: string, private readonly password: string,
    private readonly clientNonce: () => string = secureRandomString) {
    this.formatter = new ScramFormatter(mechanism);
  }

  get mechanismName(): string {
    return this.mechanism.mechanismName;
  }

  initialResponse(): Buffer {
    if (this.state !== 'SEND_CLIENT_FIRST_MESSAGE') throw new SaslException(`Unexpected initial response in SCRAM client state ${this.state}`);
    this.clientFirst = new ClientFirstMessage(saslName(this.username), this.clientNonce());
    this.state = 'RECEIVE_SERVER_FIRST_MESSAGE';
    return this.clientFirst.toBytes();
  }

  evaluateChallenge(challenge: Buffer): Buffer | null {
    try {
      switch (this.state) {
        case 'RECEIVE_SERVER_FIRST_MESSAGE': {
          const serverFirst = ServerFirstMessage.parse(challenge);
          const clientFirst = this.clientFirst!;
          if (!serverFirst.nonce.startsWith(clientFirst.nonce)) throw new SaslException('Invalid server nonce: does not start with client nonce');
          if (serverFirst.iterations < this.mechanism.minIterations) {
            throw new SaslException(`Requested iterations ${serverFirst.iterations} is less than the minimum ${this.mechanism.minIterations} for ${this.mechanism.mechanismName}`);
          }
          this.serverFirst = serverFirst;
          this.saltedPassword = this.formatter.saltedPassword(this.password, serverFirst.salt, serverFirst.iterations);
          const clientFinal = new ClientFinalMessage(Buffer.from(clientFirst.gs2Header(), 'utf8'), serverFirst.nonce);
          const clientKey = this.formatter.clientKey(this.saltedPassword);
          const auth = authMessage(clientFirst.clientFirstMessageBare(), serverFirst.toMessage(), clientFinal.clientFinalMessageWithoutProof());
          clientFinal.proof = xor(clientKey, this.formatter.hmac(this.formatter.storedKey(clientKey), auth));
          this.clientFinal = clientFinal;
          this.state = 'RECEIVE_SERVER_FINAL_MESSAGE';
          return clientFinal.toBytes();
        }
        case 'RECEIVE_SERVER_FINAL_MESSAGE': {
          const serverFinal = ServerFinalMessage.parse(challenge);
          if (serverFinal.error !== null) throw new SaslException(`Sasl authentication using ${this.mechanism.mechanismName} failed with error: ${serverFinal.error}`);
          const auth = authMessage(this.clientFirst!.clientFirstMessageBare(), this.serverFirst!.toMessage(), this.clientFinal!.clientFinalMessageWithoutProof());
          const expected = this.formatter.hmac(this.formatter.serverKey(this.saltedPassword!), auth);
          const got = serverFinal.serverSignature!;
          if (got.length !== expected.length || !timingSafeEqual(got, expected)) throw new SaslException('Invalid server signature in server final message');
          this.state = 'COMPLETE';
          return null;
        }
        default:
          throw new SaslException(`Unexpected challenge in Sasl client state ${this.state}`);
      }
    } catch (err) {
      this.state = 'FAILED';
      throw err;
    }
  }

  isComplete(): boolean {
    return this.state === 'COMPLETE';
  }
}
