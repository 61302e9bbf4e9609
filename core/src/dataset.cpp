// stub, replaced by its implementation
namespace ddpm {}
