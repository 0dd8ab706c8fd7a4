describe('karma smoke', () => {
  it('runs', () => expect(1 + 1).toBe(2));
});
