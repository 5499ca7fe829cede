// Tests here start real backends, databases and clusters; on a loaded 2-core
// machine that takes longer than Jest's 5-second default.
jest.setTimeout(60_000);
