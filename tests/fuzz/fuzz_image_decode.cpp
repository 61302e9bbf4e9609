// Fuzz target: decoding an image file from memory (ddpm::decodeImage), the path every
// --image, folder: and image: input takes: header checks, then OpenCV's codecs. Any
// bytes give an Image or a ddpm::Error.
#include "fuzz_support.h"

#include "ddpm/error.h"
#include "ddpm/image.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string bytes = ddpm::fuzz::bytesOf(data, size);
    ddpm::ImageLoadOptions options;
    options.gray = size % 2 == 1; // both conversions, from the same corpus
    try {
        const ddpm::Image image = ddpm::decodeImage(bytes, "fuzz input", options);
        DDPM_FUZZ_CHECK(image.width > 0 && image.height > 0);
        DDPM_FUZZ_CHECK(image.channels == 1 || image.channels == 3);
        DDPM_FUZZ_CHECK(!options.gray || image.channels == 1);
        DDPM_FUZZ_CHECK(static_cast<long long>(image.width) * image.height <= ddpm::kMaxImagePixels);
        DDPM_FUZZ_CHECK(image.pixels.size()
                        == static_cast<std::size_t>(image.width) * image.height * image.channels);
    } catch (const ddpm::Error&) {
    }
    return 0;
}
