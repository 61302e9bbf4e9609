// Numbers as the GUI writes them: significant digits, and "∞" for an infinite value
// (the SNR at t = 0, or where alpha_bar_t = 1).
#pragma once

#include <cmath>

#include <QString>

namespace ddpm::ui {

inline QString numberText(double value, int precision = 6)
{
    if (std::isinf(value))
        return value > 0 ? QStringLiteral("∞") : QStringLiteral("−∞");
    return QString::number(value, 'g', precision);
}

} // namespace ddpm::ui
