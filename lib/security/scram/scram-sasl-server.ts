/**
 * Kafka's ScramSaslServer (RFC 5802, RFC 7677): client-first → server-first (the stored salt and
 * iterations, the client's nonce extended with the server's) → client-final, whose proof is checked
 * against the StoredKey in constant time → server-final with the ServerSignature. An unknown user,
 * a bad proof or a malformed message fails with a SaslException (the client learns nothing more);
 * an authorization id other than the user name is a SaslAuthenticationException. Delegation tokens
 * (`tokenauth=true`) are not served: such an exchange fails as an unknown token would.
 */
import { timingSafeEqual } from 'node:crypto';
import { SaslAuthenticationException, SaslException } from '../authenticator/sasl-exceptions.js';
import type { SaslServer } from '../authenticator/sasl-server.js';
import { IllegalSaslStateError } from '../../protocol/errors.js';
import { ClientFinalMessage, ClientFirstMessage, ServerFinalMessage, ServerFirstMessage } from './scram-messages.js';
import { ScramFormatter, authMessage, secureRandomString, usernameOf, xor } from './scram-formatter.js';
import type { ScramMechanism } from './scram-mechanism.js';
import type { ScramCredential } from './scram-credential.js';

/** Where the server finds a user's credential for its mechanism (the credential cache). */
export type ScramCredentialLookup = (username: string) => ScramCredential | undefined;

type State = 'RECEIVE_CLIENT_FIRST_MESSAGE' | 'RECEIVE_CLIENT_FINAL_MESSAGE' | 'COMPLETE' | 'FAILED';

export class ScramSaslServer implements SaslServer {
  private state: State = 'RECEIVE_CLIENT_FIRST_MESSAGE';
  private readonly formatter: ScramFormatter;
  private clientFirst: ClientFirstMessage | null = null;
  private serverFirst: ServerFirstMessage | null = null;
  private credential: ScramCredential | null = null;
  private authzId = '';

  constructor(readonly mechanism: ScramMechanism, private readonly credentials: ScramCredentialLookup,
    private readonly serverNonce: () => string = secureRandomString) {
    this.formatter = new ScramFormatter(mechanism);
  }

  get mechanismName(): string {
    return this.mechanism.mechanismName;
  }

  evaluateResponse(response: Buffer): Buffer {
    try {
      switch (this.state) {
        case 'RECEIVE_CLIENT_FIRST_MESSAGE': return this.receiveClientFirst(response);
        case 'RECEIVE_CLIENT_FINAL_MESSAGE': return this.receiveClientFinal(response);
        default: throw new IllegalSaslStateError(`Unexpected challenge in Sasl server state ${this.state}`);
      }
    } catch (err) {
      this.clear();
      this.state = 'FAILED';
      if (err instanceof SaslException || err instanceof SaslAuthenticationException || err instanceof IllegalSaslStateError) throw err;
      throw new SaslException('Authentication failed: Credentials could not be obtained', { cause: err });
    }
  }

  private receiveClientFirst(response: Buffer): Buffer {
    const clientFirst = ClientFirstMessage.parse(response);
    let username: string;
    try {
      username = usernameOf(clientFirst.saslName);
    } catch (err) {
      throw new SaslException('Authentication failed: Credentials could not be obtained', { cause: err });
    }
    if (clientFirst.extensions.get('tokenauth')?.toLowerCase() === 'true') {
      throw new SaslException(`Token Authentication failed: Invalid tokenId : ${username}`);
    }
    const credential = this.credentials(username);
    if (!credential) throw new SaslException('Authentication failed: Invalid user credentials');
    if (clientFirst.authorizationId !== '' && clientFirst.authorizationId !== username) {
      throw new SaslAuthenticationException('Authentication failed: Client requested an authorization id that is different from username');
    }
    if (credential.iterations < this.mechanism.minIterations) {
      throw new SaslException(`Iterations ${credential.iterations} is less than the minimum ${this.mechanism.minIterations} for ${this.mechanism.mechanismName}`);
    }
    this.clientFirst = clientFirst;
    this.credential = credential;
    this.authzId = username;
    this.serverFirst = new ServerFirstMessage(clientFirst.nonce + this.serverNonce(), credential.salt, credential.iterations);
    this.state = 'RECEIVE_CLIENT_FINAL_MESSAGE';
    return this.serverFirst.toBytes();
  }

  private receiveClientFinal(response: Buffer): Buffer {
    const clientFinal = ClientFinalMessage.parse(response);
    const clientFirst = this.clientFirst!;
    const serverFirst = this.serverFirst!;
    const credential = this.credential!;
    if (!clientFinal.nonce.endsWith(serverFirst.nonce)) throw new SaslException('Invalid client nonce in the final client message.');
    const auth = authMessage(clientFirst.clientFirstMessageBare(), serverFirst.toMessage(), clientFinal.clientFinalMessageWithoutProof());
    const clientSignature = this.formatter.hmac(credential.storedKey, auth);
    if (clientFinal.proof.length !== clientSignature.length) throw new SaslException('Invalid client credentials');
    const computedStoredKey = this.formatter.hash(xor(clientSignature, clientFinal.proof));
    if (computedStoredKey.length !== credential.storedKey.length || !timingSafeEqual(computedStoredKey, credential.storedKey)) {
      throw new SaslException('Invalid client credentials');
    }
    const serverSignature = this.formatter.hmac(credential.serverKey, auth);
    this.clear();
    this.state = 'COMPLETE';
    return new ServerFinalMessage(null, serverSignature).toBytes();
  }

  isComplete(): boolean {
    return this.state === 'COMPLETE';
  }

  authorizationId(): string {
    if (!this.isComplete()) throw new Error('Authentication exchange has not completed');
    return this.authzId;
  }

  private clear(): void {
    this.credential = null;
    this.clientFirst = null;
    this.serverFirst = null;
  }
}
