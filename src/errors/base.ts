/** Base class of every error the library throws: `message` says what happened and what to do. */
export class RoyaltiesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
