// ImageView: shows one QImage scaled to fit with a caption underneath. Images are drawn with
// nearest-neighbour sampling both ways: enlarged, the pixels stay sharp; shrunk, every shown
// pixel is one of the image's (a smooth downscale would average noise into flat grey). A
// second caption line (the note) says how the image is shown, e.g. "shown nearest-neighbour
// at 25 %", after any fixed note of the caller's.
#pragma once

#include <QImage>
#include <QWidget>

namespace ddpm::ui {

class ImageView : public QWidget {
    Q_OBJECT
public:
    explicit ImageView(const QString& caption = QString(), QWidget* parent = nullptr);

    void setImage(const QImage& image);
    const QImage& image() const { return m_image; }

    void setCaption(const QString& caption);
    QString caption() const { return m_caption; }

    /// A fixed remark for the note line, e.g. "clamped to [−1, 1]" (empty: none).
    void setNote(const QString& note);
    /// Whether the note line is drawn (the scale note and the fixed remark). Off for small tiles,
    /// whose owner says it once for all of them (scaleNote()).
    void setNoteShown(bool shown);
    /// The note line as drawn: the fixed remark and, when the image is shown smaller than its
    /// size, "shown nearest-neighbour at N %"; empty when there is nothing to say.
    QString noteText() const;
    /// "shown nearest-neighbour at N %" when the image is shown smaller than its size, else empty.
    QString scaleNote() const;
    /// Shown size in device pixels over the image's size at the widget's current size (1 before
    /// there is an image); on a HiDPI screen a target of N points shows N × devicePixelRatio pixels.
    double shownScale() const;

    /// Frames the image in the highlight colour (e.g. the strip's tile for the current t).
    void setHighlighted(bool on);
    bool isHighlighted() const { return m_highlighted; }

    /// Text shown in place of the image while there is none (e.g. "computing…").
    void setPlaceholder(const QString& text);
    QString placeholder() const { return m_placeholder; }

    /// Makes the preferred height follow the width (the image's aspect plus the caption), for
    /// rows of tiles: never taller than that, and shorter where a layout has less room (down to
    /// the minimum; the image is then shown smaller), so a row of tiles does not make its page
    /// scroll. The size hint is the height at the current width.
    void setFollowWidth(bool follow);
    /// The height that shows the image whole at `width` (the image's aspect, plus the caption).
    int heightForWidth(int width) const override;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    int textHeight() const;
    QRect imageArea() const;
    QRect imageTarget() const;

    QImage m_image;
    QString m_caption;
    QString m_note;
    QString m_placeholder;
    bool m_noteShown = true;
    bool m_highlighted = false;
    bool m_followWidth = false;
};

} // namespace ddpm::ui
