// Animations of image frames: an animated GIF (giflib, looping) or a video (MP4 with MPEG-4
// Part 2, WebM with VP8, through OpenCV's FFmpeg writer), chosen by the file's extension.
// Written atomically: the file appears complete or not at all.
#pragma once

#include <string>
#include <vector>

#include "ddpm/image.h"

namespace ddpm {

/// The extensions writeAnimation takes: ".gif", ".mp4", ".webm".
bool isAnimationPath(const std::string& path);

/// Writes frames (all gray or all RGB; at least one) at fps frames per second (0.5..100).
/// Frames smaller than the largest are padded with white at the right and bottom, and videos,
/// which need even sizes, with a white row or column. Throws ddpm::Error for an unknown extension, mismatched frames, or a codec this
/// machine's OpenCV lacks (naming the alternative), and when the file cannot be written.
void writeAnimation(const std::vector<Image>& frames, const std::string& path, double fps);

} // namespace ddpm
