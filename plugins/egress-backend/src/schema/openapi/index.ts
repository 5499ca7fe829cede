//
    export * from './generated';