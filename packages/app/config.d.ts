export interface Config {
  app?: {
    /**
     * Development-only sign-in as one of the demo users. Needs the backend's
     * `auth.providers.demo` to be configured too. Leave unset in production.
     */
    demoSignIn?: {
      /**
       * Users offered on the sign-in page (catalog user names).
       * @visibility frontend
       */
      users: Array<{
        /** @visibility frontend */
        name: string;
        /** @visibility frontend */
        description?: string;
      }>;
    };
  };
}
