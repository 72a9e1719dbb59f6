// nock must be active before any SDK client captures `fetch`, and no test may reach the network.
import nock from "nock";
import { afterEach, beforeEach } from "vitest";

nock.disableNetConnect();

beforeEach(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
});
