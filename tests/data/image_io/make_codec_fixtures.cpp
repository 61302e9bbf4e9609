// Writes rgb_8x6.{tiff,webp,jpg}: pixel (x, y) = RGB(200 - 10x, 40y, 30x). Build with
// g++ make_codec_fixtures.cpp -I/usr/include/opencv4 -lopencv_imgcodecs -lopencv_core
#include <opencv2/imgcodecs.hpp>
#include <opencv2/core.hpp>
int main() {
  cv::Mat m(6, 8, CV_8UC3);
  for (int y = 0; y < 6; ++y) for (int x = 0; x < 8; ++x) m.at<cv::Vec3b>(y, x) = cv::Vec3b(x * 30, y * 40, 200 - x * 10); // BGR
  cv::imwrite("rgb_8x6.tiff", m);
  cv::imwrite("rgb_8x6.webp", m, {cv::IMWRITE_WEBP_QUALITY, 101});
  cv::imwrite("rgb_8x6.jpg", m, {cv::IMWRITE_JPEG_QUALITY, 100});
  return 0;
}
