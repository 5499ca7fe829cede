import { configure } from '@testing-library/react';
import '@testing-library/jest-dom';

// Backstage's Table (material-table) renders slowly on a busy machine: give
// findBy* and waitFor time before calling an element missing.
configure({ asyncUtilTimeout: 10_000 });
jest.setTimeout(60_000);
