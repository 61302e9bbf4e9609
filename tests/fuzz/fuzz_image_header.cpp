// Fuzz target: the image header sniffer and the PNG chunk walker (core/src/image_header.h),
// which run on every image file before any codec sees it. They never throw; the target
// checks what their contracts promise.
#include "fuzz_support.h"

#include "image_header.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace ddpm::detail;
    const std::string bytes = ddpm::fuzz::bytesOf(data, size);
    const ImageHeader header = readImageHeader(bytes);
    DDPM_FUZZ_CHECK(header.width >= 0 && header.height >= 0);
    DDPM_FUZZ_CHECK(header.known() || (header.width == 0 && header.height == 0));
    if (header.hasSize())
        DDPM_FUZZ_CHECK(header.pixels() >= header.width && header.pixels() >= header.height);
    if (header.format != "PNG")
        return 0;
    if (!checkPngStructure(bytes).empty())
        return 0;
    // A whole PNG stays whole, and keeps its size, with only its essential chunks.
    const std::string essential = keepEssentialPngChunks(bytes);
    DDPM_FUZZ_CHECK(essential.size() <= bytes.size());
    DDPM_FUZZ_CHECK(checkPngStructure(essential).empty());
    const ImageHeader again = readImageHeader(essential);
    DDPM_FUZZ_CHECK(again.format == "PNG" && again.width == header.width && again.height == header.height);
    return 0;
}
